/**
 * Bench section `ipc`: what attached clients cost the host. A host process does steady instrumented work and
 * measures its own event-loop delay (perf_hooks.monitorEventLoopDelay); 16 clients in this process subscribe
 * at 10 Hz. Each round measures the host with no clients and with 16 clients (order alternating between
 * rounds); the goal is on the median rise of the p99 delay. The host's call counts must stay exact.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {PerftopClient} from '../../source/tui/client/perftop-client.js';
import {median, type BenchSection} from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENTS = 16;

interface Measured {
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
	clients: number;
	snapshots: number;
	snapshotMs: number | null;
}

class HostChild {
	readonly child: ChildProcess;
	readonly ready: Promise<string>;
	readonly #waiting = new Map<string, Array<{resolve: (json: string) => void; reject: (error: Error) => void}>>();
	/** Set when the host has exited. */
	#exit: Error | null = null;

	constructor(socket: string, extra: string[] = []) {
		this.child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(here, '..', 'fixtures', 'hosts', 'bench-host.ts'), socket, ...extra], {
			stdio: ['pipe', 'pipe', 'inherit'],
			env: {...process.env, PERFTOP_QUIET_FAULTS: '1'},
		});
		let ready: (path: string) => void;
		let failed: (error: Error) => void;
		this.ready = new Promise((resolve, reject) => {
			ready = resolve;
			failed = reject;
		});
		createInterface({input: this.child.stdout!}).on('line', line => {
			const [tag, ...rest] = line.split(' ');
			if (tag === 'READY') ready(rest.join(' '));
			else this.#waiting.get(tag!)?.shift()?.resolve(rest.join(' '));
		});
		// A host that dies fails whatever waits on it (the section then reports its goals as not measured).
		this.child.once('exit', (code, signal) => {
			this.#exit = new Error(`the bench host exited (${signal ?? `code ${code}`})`);
			failed(this.#exit);
			for (const list of this.#waiting.values()) for (const waiter of list.splice(0)) waiter.reject(this.#exit);
		});
		this.child.once('error', error => failed(error));
	}

	ask<T>(command: string, tag: string): Promise<T> {
		return new Promise((resolve, reject) => {
			if (this.#exit) {
				reject(this.#exit);
				return;
			}
			const list = this.#waiting.get(tag) ?? [];
			list.push({resolve: json => resolve(JSON.parse(json) as T), reject});
			this.#waiting.set(tag, list);
			this.child.stdin!.write(`${command}\n`);
		});
	}
}

async function attachClients(path: string, count: number): Promise<{clients: PerftopClient[]; snapshots: () => number}> {
	let snapshots = 0;
	const clients = Array.from({length: count}, () => new PerftopClient({path, intervalMs: 100}));
	await Promise.all(
		clients.map(
			client =>
				new Promise<void>(resolve => {
					const stop = client.onSnapshot(() => {
						stop();
						resolve();
					});
					client.onSnapshot(() => snapshots++);
					client.connect();
				}),
		),
	);
	return {clients, snapshots: () => snapshots};
}

interface Series {
	idle: number[];
	single: number[];
	watched: number[];
	deltas: number[];
	singleDeltas: number[];
	rates: number[];
	builds: number[];
	exact: {expected: number; recorded: number};
}

/** Rounds of: host alone, 1 client, 16 clients (order alternating), on a fresh host started with `extra` args. */
async function measureHost(ctx: Parameters<BenchSection['run']>[0], extra: string[]): Promise<Series> {
	const dir = mkdtempSync(join(tmpdir(), 'pt-bench-'));
	const host = new HostChild(join(dir, 'h.sock'), extra);
	const result: Series = {idle: [], single: [], watched: [], deltas: [], singleDeltas: [], rates: [], builds: [], exact: {expected: 0, recorded: 0}};
	try {
		const path = await host.ready;
		const windowMs = ctx.quick ? 1000 : 3000;
		await host.ask<Measured>('measure 1000', 'MEASURED'); // warm-up
		const withClients = async (count: number): Promise<number> => {
			const {clients, snapshots} = await attachClients(path, count);
			const before = snapshots();
			const measured = await host.ask<Measured>(`measure ${windowMs}`, 'MEASURED');
			if (count === CLIENTS) result.rates.push(((snapshots() - before) / windowMs) * 1000);
			if (measured.snapshotMs !== null) result.builds.push(measured.snapshotMs);
			for (const client of clients) client.close();
			if (measured.clients !== count) ctx.log(`host saw ${measured.clients} clients, expected ${count}`);
			return measured.p99Ms;
		};
		for (let round = 0; round < ctx.rounds; round++) {
			// Alternate the order between rounds so drift on a shared machine does not favour one side.
			const steps = round % 2 === 0 ? ['none', 'one', 'all'] : ['all', 'one', 'none'];
			const p99 = {none: 0, one: 0, all: 0};
			for (const step of steps) {
				if (step === 'none') p99.none = (await host.ask<Measured>(`measure ${windowMs}`, 'MEASURED')).p99Ms;
				else p99[step as 'one' | 'all'] = await withClients(step === 'one' ? 1 : CLIENTS);
			}
			result.idle.push(p99.none);
			result.single.push(p99.one);
			result.watched.push(p99.all);
			result.deltas.push(p99.all - p99.none);
			result.singleDeltas.push(p99.one - p99.none);
		}
		result.exact = await host.ask<{expected: number; recorded: number}>('exact', 'EXACT');
		return result;
	} finally {
		host.child.kill('SIGTERM');
		rmSync(dir, {recursive: true, force: true});
	}
}

export const section: BenchSection = {
	name: 'ipc',
	description: `host event-loop delay with ${CLIENTS} clients subscribed at 10 Hz vs none`,
	goals: [
		{id: 'ipc-loop-delay-16-clients', limit: 2, unit: ' ms'},
		{id: 'ipc-metrics-exact', limit: 0, unit: ' calls'},
	],
	async run(ctx) {
		const real = await measureHost(ctx, []);
		ctx.row({name: 'host loop delay p99, no clients', value: median(real.idle), unit: 'ms'});
		ctx.row({name: 'host loop delay p99, 1 client at 10 Hz', value: median(real.single), unit: 'ms', ratio: median(real.single) / median(real.idle)});
		ctx.row({name: `host loop delay p99, ${CLIENTS} clients at 10 Hz`, value: median(real.watched), unit: 'ms', ratio: median(real.watched) / median(real.idle)});
		ctx.row({name: 'rise of p99 with 1 client (paired per round)', value: median(real.singleDeltas), unit: 'ms'});
		ctx.row({name: `rise of p99 with ${CLIENTS} clients (paired per round)`, value: median(real.deltas), unit: 'ms'});
		ctx.row({name: 'monitor.snapshot() build time in the host (median)', value: median(real.builds), unit: 'ms', note: 'once per tick, shared by all clients'});
		ctx.row({name: 'snapshots received per second (all clients)', value: median(real.rates), unit: '/s', note: `expected ~${CLIENTS * 10}`});
		ctx.row({name: 'calls made vs recorded by the host (difference)', value: real.exact.expected - real.exact.recorded, unit: 'calls', note: `${real.exact.recorded} recorded`});
		// The same with a prebuilt snapshot: what the socket server itself (serialize once, write to each client) costs.
		const server = await measureHost(ctx, ['--cached-snapshot']);
		ctx.row({name: `server only (prebuilt snapshot): rise of p99, ${CLIENTS} clients`, value: median(server.deltas), unit: 'ms'});
		ctx.row({name: 'server only (prebuilt snapshot): rise of p99, 1 client', value: median(server.singleDeltas), unit: 'ms'});
		ctx.goal({id: 'ipc-loop-delay-16-clients', measured: median(real.deltas), limit: 2, unit: ' ms', note: 'median over rounds of (p99 with clients - p99 without)'});
		ctx.goal({id: 'ipc-metrics-exact', measured: Math.abs(real.exact.expected - real.exact.recorded), limit: 0, unit: ' calls'});
	},
};
