/**
 * Container memory limit from the cgroup the process runs in: v2 (`memory.max`, `memory.current`) or v1
 * (`memory.limit_in_bytes`, `memory.usage_in_bytes`). Reads are asynchronous; a missing or unreadable file
 * means "no limit known", never an error. The effective limit is the smallest one on the path from the
 * process's cgroup up to the hierarchy's root, as the kernel enforces it.
 */
import {readFile} from 'node:fs/promises';
import {join, posix} from 'node:path';

/** Memory limit and usage of the process's cgroup. */
export interface CgroupMemory {
	version: 1 | 2;
	/** Bytes; null when unlimited ("max" or the v1 page-rounded maximum). */
	limit: number | null;
	/** Bytes currently charged to the cgroup; null when not readable. */
	usage: number | null;
	/** The usage file, for cheap re-reads of usage alone between full reads. */
	usageFile?: string;
}

/** Where the memory controller lives for this process, from `/proc/self/cgroup`. */
export interface CgroupLocation {
	version: 1 | 2;
	/** The cgroup path inside its hierarchy, e.g. `/` or `/system.slice/app.service`. */
	path: string;
}

/** v1 reports "no limit" as a huge page-rounded number; anything at or above this is unlimited. */
const UNLIMITED_FLOOR = 2 ** 60;

/** Parses a limit file's text: a byte count, `max` (v2 unlimited) or a v1 "unlimited" value become null. */
export function parseMemoryValue(text: string): number | null {
	const value = text.trim();
	if (value === '' || value === 'max') return null;
	if (!/^\d+$/.test(value)) return null;
	const bytes = Number(value);
	return Number.isFinite(bytes) && bytes < UNLIMITED_FLOOR ? bytes : null;
}

/**
 * Finds the memory controller in `/proc/self/cgroup` text. A v1 `memory` line wins over the v2 `0::` line
 * (hybrid hosts keep memory under v1).
 */
export function parseCgroupFile(text: string): CgroupLocation | null {
	let v2: string | null = null;
	for (const line of text.split('\n')) {
		const first = line.indexOf(':');
		const second = line.indexOf(':', first + 1);
		if (first < 0 || second < 0) continue;
		const controllers = line.slice(first + 1, second);
		const path = line.slice(second + 1).trim() || '/';
		if (controllers.split(',').includes('memory')) return {version: 1, path};
		if (line.slice(0, first) === '0' && controllers === '') v2 = path;
	}
	return v2 === null ? null : {version: 2, path: v2};
}

/** Directories from the cgroup's own directory up to the hierarchy's mount point (inclusive). */
function ancestry(mount: string, path: string): string[] {
	const dirs: string[] = [];
	let current = posix.normalize(path.startsWith('/') ? path : `/${path}`);
	for (;;) {
		dirs.push(join(mount, current));
		if (current === '/') break;
		current = posix.dirname(current);
	}
	return dirs;
}

async function readValue(file: string): Promise<number | null | undefined> {
	try {
		return parseMemoryValue(await readFile(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * Reads the process's cgroup memory limit and usage. `root` lets tests point at a fixture tree that mirrors
 * `/proc/self/cgroup` and `/sys/fs/cgroup`. Resolves null when no cgroup memory controller can be read.
 */
export async function readCgroupMemory(root = '/'): Promise<CgroupMemory | null> {
	let location: CgroupLocation | null;
	try {
		location = parseCgroupFile(await readFile(join(root, 'proc/self/cgroup'), 'utf8'));
	} catch {
		return null;
	}
	if (!location) return null;
	const mount = location.version === 2 ? join(root, 'sys/fs/cgroup') : join(root, 'sys/fs/cgroup/memory');
	const limitFile = location.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
	const usageFile = location.version === 2 ? 'memory.current' : 'memory.usage_in_bytes';
	let limit: number | null = null;
	let usage: number | null = null;
	let usagePath: string | undefined;
	let found = false;
	for (const dir of ancestry(mount, location.path)) {
		const dirLimit = await readValue(join(dir, limitFile));
		if (dirLimit === undefined) continue;
		if (!found) {
			// The first directory that exists is the process's own cgroup (or its closest visible ancestor).
			found = true;
			usagePath = join(dir, usageFile);
			usage = (await readValue(usagePath)) ?? null;
		}
		if (dirLimit !== null && (limit === null || dirLimit < limit)) limit = dirLimit;
	}
	return found ? {version: location.version, limit, usage, ...(usagePath === undefined ? {} : {usageFile: usagePath})} : null;
}

/** Re-reads the usage file found by readCgroupMemory(); null when it cannot be read. */
export async function readCgroupUsage(file: string): Promise<number | null> {
	return (await readValue(file)) ?? null;
}
