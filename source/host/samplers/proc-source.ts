/**
 * Linux system source: reads /proc and statfs() asynchronously on the libuv thread pool. It spawns nothing,
 * starts no thread and loads no module, so the host pays neither event-loop time (every read is async) nor
 * memory (a worker thread with systeminformation costs ~19 MB RSS here). See the `sampler` benchmark.
 */
import {readFile, statfs} from 'node:fs/promises';
import {join} from 'node:path';
import type {DiskStats} from '../../protocol/snapshot.js';
import {busyPercent, parseMeminfo, parseMounts, parseProcStat, tidyDisks, type CpuTimes, type SystemReading, type SystemSource} from './system-source.js';

/** Reads the machine from /proc (`root` lets tests use a fixture tree). */
export class ProcSystemSource implements SystemSource {
	readonly kind = 'proc';
	readonly #root: string;
	#previous: {total: CpuTimes; cores: CpuTimes[]} | null = null;

	constructor(root = '/') {
		this.#root = root;
	}

	async read({disks}: {disks: boolean}): Promise<SystemReading> {
		const [stat, meminfo, loadavg, diskList] = await Promise.all([
			readFile(join(this.#root, 'proc/stat'), 'utf8'),
			readFile(join(this.#root, 'proc/meminfo'), 'utf8'),
			readFile(join(this.#root, 'proc/loadavg'), 'utf8'),
			disks ? this.#disks() : Promise.resolve(null),
		]);
		return {cpu: this.#cpu(stat), ...memory(meminfo), load: load(loadavg), disks: diskList};
	}

	async close(): Promise<void> {}

	#cpu(text: string): SystemReading['cpu'] {
		const current = parseProcStat(text);
		if (!current) throw new Error('no cpu line in /proc/stat');
		const previous = this.#previous;
		this.#previous = current;
		if (!previous) return null;
		const totalPercent = busyPercent(previous.total, current.total);
		if (totalPercent === null) return null;
		const coresPercent = current.cores.map((core, index) => {
			const before = previous.cores[index];
			return before ? (busyPercent(before, core) ?? 0) : 0;
		});
		return {totalPercent, coresPercent};
	}

	async #disks(): Promise<DiskStats[]> {
		const mounts = parseMounts(await readFile(join(this.#root, 'proc/self/mounts'), 'utf8'));
		const results = await Promise.allSettled(mounts.map(async entry => ({entry, stats: await statfs(entry.mount)})));
		const disks: DiskStats[] = [];
		for (const result of results) {
			// A mount that vanished or cannot be entered is simply not listed.
			if (result.status !== 'fulfilled') continue;
			const {entry, stats} = result.value;
			disks.push({mount: entry.mount, fs: entry.fs, size: stats.blocks * stats.bsize, used: (stats.blocks - stats.bfree) * stats.bsize});
		}
		return tidyDisks(disks);
	}
}

function memory(text: string): Pick<SystemReading, 'memory' | 'swap'> {
	const values = parseMeminfo(text);
	const total = values.get('MemTotal');
	const available = values.get('MemAvailable') ?? sumDefined(values.get('MemFree'), values.get('Buffers'), values.get('Cached'));
	const swapTotal = values.get('SwapTotal');
	const swapFree = values.get('SwapFree');
	return {
		memory: total !== undefined && available !== undefined ? {total, available, used: Math.max(0, total - available)} : null,
		swap: swapTotal !== undefined && swapFree !== undefined ? {total: swapTotal, used: Math.max(0, swapTotal - swapFree)} : null,
	};
}

function sumDefined(...values: Array<number | undefined>): number | undefined {
	if (values.some(value => value === undefined)) return undefined;
	return values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
}

function load(text: string): SystemReading['load'] {
	const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
	if (![one, five, fifteen].every(value => Number.isFinite(value))) return null;
	return [one!, five!, fifteen!];
}
