/**
 * Worker-thread entry of the `worker` system source: runs systeminformation, whose currentLoad() uses
 * execSync and whose fsSize() spawns df, away from the host's event loop. Answers `{id, disks}` requests
 * with `{id, ok, reading}` or `{id, ok: false, error}`.
 */
import {createRequire} from 'node:module';
import {loadavg} from 'node:os';
import {parentPort} from 'node:worker_threads';
import type {DiskStats} from '../../protocol/snapshot.js';
import {tidyDisks, type SystemReading} from './system-source.js';

/** A request from the main thread. */
export interface WorkerRequest {
	id: number;
	disks: boolean;
}

/** The worker's answer to one request. */
export type WorkerReply = {id: number; ok: true; reading: SystemReading} | {id: number; ok: false; error: string};

type Si = typeof import('systeminformation');

async function read(si: Si, disks: boolean): Promise<SystemReading> {
	const [load, mem, fs] = await Promise.all([si.currentLoad(), si.mem(), disks ? si.fsSize() : Promise.resolve(null)]);
	const [one = 0, five = 0, fifteen = 0] = loadavg();
	return {
		cpu: {totalPercent: load.currentLoad, coresPercent: load.cpus.map(cpu => cpu.load)},
		memory: {total: mem.total, used: Math.max(0, mem.total - mem.available), available: mem.available},
		swap: {total: mem.swaptotal, used: mem.swapused},
		load: [one, five, fifteen],
		disks: fs === null ? null : tidyDisks(fs.map((disk): DiskStats => ({mount: disk.mount, fs: disk.type, size: disk.size, used: disk.used}))),
	};
}

const port = parentPort;
if (port) {
	const si = createRequire(import.meta.url)('systeminformation') as Si;
	port.on('message', (request: WorkerRequest) => {
		read(si, request.disks).then(
			reading => port.postMessage({id: request.id, ok: true, reading} satisfies WorkerReply),
			(error: unknown) => port.postMessage({id: request.id, ok: false, error: error instanceof Error ? error.message : String(error)} satisfies WorkerReply),
		);
	});
}
