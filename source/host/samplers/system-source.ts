/**
 * What a system source delivers, and the pure helpers both sources share (CPU deltas, disk filtering).
 */
import type {DiskStats, SystemSection} from '../../protocol/snapshot.js';

/** One reading of the machine. `disks` is null when disks were not asked for in this reading. */
export type SystemReading = Pick<SystemSection, 'cpu' | 'memory' | 'swap' | 'load' | 'disks'>;

/** Reads the machine without blocking the host's event loop. */
export interface SystemSource {
	/** Which implementation this is (`proc` or `worker`), shown in faults and benchmarks. */
	readonly kind: string;
	read(options: {disks: boolean}): Promise<SystemReading>;
	/** Releases what the source holds (a worker thread). */
	close(): Promise<void>;
}

/**
 * Rejects read() when the worker crashed (the crash is already reported as a `system-worker` fault) or
 * is waiting for its restart; callers do not count it again. Declared here, not in the worker source, so
 * the system sampler can test for it without loading the worker source.
 */
export class SourceUnavailableError extends Error {
	constructor(message: string, cause?: unknown) {
		super(message, {cause});
		this.name = 'SourceUnavailableError';
	}
}

/** Cumulative CPU times of one CPU line in /proc/stat (jiffies). */
export interface CpuTimes {
	busy: number;
	total: number;
}

/** Parses the `cpu` lines of /proc/stat: the aggregate first, then one entry per core. */
export function parseProcStat(text: string): {total: CpuTimes; cores: CpuTimes[]} | null {
	let total: CpuTimes | null = null;
	const cores: CpuTimes[] = [];
	for (const line of text.split('\n')) {
		if (!line.startsWith('cpu')) continue;
		const [name, ...fields] = line.trim().split(/\s+/);
		const numbers = fields.map(Number);
		// user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
		const sum = numbers.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
		const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0);
		const times = {busy: sum - idle, total: sum};
		if (name === 'cpu') total = times;
		else cores.push(times);
	}
	return total ? {total, cores} : null;
}

/** Percent busy between two cumulative readings (0..100); null when no time passed. */
export function busyPercent(previous: CpuTimes, current: CpuTimes): number | null {
	const total = current.total - previous.total;
	if (!(total > 0)) return null;
	return Math.min(100, Math.max(0, ((current.busy - previous.busy) / total) * 100));
}

/** Parses /proc/meminfo into bytes (values there are kB). */
export function parseMeminfo(text: string): Map<string, number> {
	const values = new Map<string, number>();
	for (const line of text.split('\n')) {
		const match = /^(\w+(?:\([\w]+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
		if (match) values.set(match[1]!, Number(match[2]) * (line.endsWith('kB') ? 1024 : 1));
	}
	return values;
}

/** Filesystem types that are not disks (kernel interfaces, memory-backed, images). */
const PSEUDO_FILESYSTEMS = new Set([
	'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'mqueue', 'securityfs', 'debugfs',
	'tracefs', 'pstore', 'bpf', 'autofs', 'hugetlbfs', 'configfs', 'fusectl', 'binfmt_misc', 'nsfs', 'rpc_pipefs',
	'squashfs', 'selinuxfs', 'efivarfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'overlayfs-lower', 'iso9660',
]);

/** A mounted filesystem worth reporting. */
export interface MountEntry {
	device: string;
	mount: string;
	fs: string;
}

/** Picks real filesystems out of /proc/self/mounts, one mount per device (the shortest mount path). */
export function parseMounts(text: string): MountEntry[] {
	const byDevice = new Map<string, MountEntry>();
	for (const line of text.split('\n')) {
		const [device, mount, fs] = line.split(' ');
		if (!device || !mount || !fs || PSEUDO_FILESYSTEMS.has(fs)) continue;
		const entry = {device, mount: unescapeMount(mount), fs};
		const seen = byDevice.get(device);
		if (!seen || entry.mount.length < seen.mount.length) byDevice.set(device, entry);
	}
	return [...byDevice.values()];
}

/** /proc/mounts escapes spaces, tabs, newlines and backslashes as octal. */
function unescapeMount(mount: string): string {
	return mount.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Keeps disks with a size, sorted by mount path. */
export function tidyDisks(disks: DiskStats[]): DiskStats[] {
	return disks.filter(disk => disk.size > 0).sort((a, b) => a.mount.localeCompare(b.mount));
}

/** The `URL` of the consumer's typings (Node's or the DOM's); without them, its `href`. */
export type WorkerUrl = typeof globalThis extends {URL: {prototype: infer U}} ? U : {readonly href: string};

/**
 * Options of the worker source (worker-source.ts). Declared here, with the other public sampler types, so the
 * public declarations do not load the worker source's (node:worker_threads).
 */
export interface WorkerSourceOptions {
	/** The worker file (default: the system-worker sibling of this module, .ts under tsx, .js when built). */
	url?: WorkerUrl;
	/** A request not answered in this time (ms) counts as a hung worker (default 10 000). */
	timeoutMs?: number;
	/** First restart delay after a crash, ms (default 1000); doubles per crash up to backoffMaxMs. */
	backoffMs?: number;
	/** Longest restart delay, ms (default 60 000). */
	backoffMaxMs?: number;
	now?: () => number;
}
