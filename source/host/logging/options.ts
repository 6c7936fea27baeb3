/**
 * Options of the performance log and their defaults.
 */

export interface PerfLogOptions {
	/** Directory for the log files; created (with parents) when missing. */
	dir: string;
	/** Base name of the files: `<name>.<n>.log` (default `perf`). */
	name?: string;
	/** Rotate when the current file reaches this size: bytes, or a string with k/m/g (default `10m`). */
	size?: number | string;
	/** Also rotate by time: `daily`, `hourly` or a period in ms (default: size only). */
	frequency?: 'daily' | 'hourly' | number;
	/** Most files kept in the directory for this base name, the current one included (default 10, least 2). */
	files?: number;
	/** Period of the summary, process and cache records, ms (default 10 000, least 100). */
	summaryIntervalMs?: number;
	/** At most one `call.slow` line per series per this period, ms; the rest are counted (default 1000). */
	slowLogIntervalMs?: number;
	/** Write `process` records (memory, CPU) each interval (default true). */
	process?: boolean;
	/** Write `cache.summary` records for caches that changed (default true). */
	caches?: boolean;
	/** Bytes the writer may hold while the disk refuses writes; beyond, lines are dropped and counted (default 1 MiB). */
	maxBufferBytes?: number;
}

/** Options with every default applied. */
export interface ResolvedPerfLogOptions {
	dir: string;
	name: string;
	size: number | string;
	frequency: 'daily' | 'hourly' | number | undefined;
	files: number;
	summaryIntervalMs: number;
	slowLogIntervalMs: number;
	process: boolean;
	caches: boolean;
	maxBufferBytes: number;
}

/** Applies the defaults and lower bounds; throws a TypeError for an option that cannot work. */
export function resolvePerfLogOptions(options: PerfLogOptions): ResolvedPerfLogOptions {
	if (!options || typeof options.dir !== 'string' || options.dir === '') throw new TypeError('perftop: log.dir must be a directory path');
	const name = options.name ?? 'perf';
	if (!/^[\w-]+$/.test(name)) throw new TypeError(`perftop: log.name '${name}' must be a plain file name (letters, digits, '_', '-')`);
	return {
		dir: options.dir,
		name,
		size: options.size ?? '10m',
		frequency: options.frequency,
		files: Math.max(2, Math.floor(options.files ?? 10)),
		summaryIntervalMs: Math.max(100, options.summaryIntervalMs ?? 10_000),
		slowLogIntervalMs: Math.max(0, options.slowLogIntervalMs ?? 1000),
		process: options.process ?? true,
		caches: options.caches ?? true,
		maxBufferBytes: Math.max(64 * 1024, options.maxBufferBytes ?? 1024 * 1024),
	};
}
