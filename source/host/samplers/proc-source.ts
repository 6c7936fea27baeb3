/**
 * Linux system source: reads /proc and statfs() asynchronously on the libuv thread pool. It spawns nothing,
 * starts no thread and loads no module, so the host pays neither event-loop time (every read is async) nor
 * memory (a worker thread with systeminformation costs ~19 MB RSS here). See the `sampler` benchmark.
 * The /proc files read every sample stay open and are re-read from offset 0 (one thread-pool job per file
 * instead of open + read + close).
 */
import {open, readFile, statfs, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import type {DiskStats} from '../../protocol/snapshot.js';
import {busyPercent, parseMeminfo, parseMounts, parseProcStat, tidyDisks, type CpuTimes, type SystemReading, type SystemSource} from './system-source.js';

/** Reads the machine from /proc (`root` lets tests use a fixture tree). */
export class ProcSystemSource implements SystemSource {
	readonly kind = 'proc';
	readonly #root: string;
	#previous: {total: CpuTimes; cores: CpuTimes[]} | null = null;
	readonly #files = new Map<string, ProcFile>();

	constructor(root = '/') {
		this.#root = root;
	}

	async read({disks}: {disks: boolean}): Promise<SystemReading> {
		const [stat, meminfo, loadavg, diskList] = await Promise.all([
			this.#file('proc/stat').read(),
			this.#file('proc/meminfo').read(),
			this.#file('proc/loadavg').read(),
			disks ? this.#disks() : Promise.resolve(null),
		]);
		return {cpu: this.#cpu(stat), ...memory(meminfo), load: load(loadavg), disks: diskList};
	}

	async close(): Promise<void> {
		const files = [...this.#files.values()];
		this.#files.clear();
		await Promise.allSettled(files.map(file => file.close()));
	}

	#file(path: string): ProcFile {
		let file = this.#files.get(path);
		if (!file) {
			file = new ProcFile(join(this.#root, path));
			this.#files.set(path, file);
		}
		return file;
	}

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

/** A /proc file kept open and re-read whole from offset 0; reopened after an error. */
class ProcFile {
	readonly #path: string;
	#handle: Promise<FileHandle> | null = null;
	#buffer = Buffer.allocUnsafe(8192);

	constructor(path: string) {
		this.#path = path;
	}

	async read(): Promise<string> {
		this.#handle ??= open(this.#path, 'r');
		try {
			const handle = await this.#handle;
			for (;;) {
				const {bytesRead} = await handle.read(this.#buffer, 0, this.#buffer.length, 0);
				if (bytesRead < this.#buffer.length) return this.#buffer.toString('utf8', 0, bytesRead);
				// The file is larger than the buffer (many cores): grow and read again from the start.
				this.#buffer = Buffer.allocUnsafe(this.#buffer.length * 2);
			}
		} catch (error) {
			await this.close();
			throw error;
		}
	}

	async close(): Promise<void> {
		const handle = this.#handle;
		this.#handle = null;
		if (handle) await handle.then(h => h.close()).catch(() => {});
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
