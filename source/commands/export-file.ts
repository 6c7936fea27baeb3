/**
 * Writing a metrics export to files: JSON (the export as is, one file) or CSV (one row per series, and beside
 * it one file with the plugins, loaded or failed, and one with the caches).
 */
import {existsSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {csvCell} from '../analyze/report.js';
import type {CacheSummary, MetricsExport, PluginSummary, SeriesExport} from '../protocol/snapshot.js';

/** How and where to write an export. */
export interface WriteExportOptions {
	format: 'json' | 'csv';
	/** Directory for the default file name (default: the current directory). */
	dir?: string;
	/** Exact file path; overrides `dir` and the default name. */
	out?: string;
	/** Replace an existing file. */
	force?: boolean;
}

/** The columns of the CSV export's series file, in order. */
export const CSV_COLUMNS = ['plugin', 'op', 'kind', 'count', 'errors', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'mean_ms', 'rate_per_s', 'total_ms', 'async_calls', 'self_ms'] as const;

/**
 * The columns of the CSV export's plugins file (`<name>-plugins.csv`), one row per plugin, failed ones
 * included (state `failed`, with the `error`): load time and memory, and all its calls merged.
 */
export const PLUGIN_CSV_COLUMNS = [
	'plugin',
	'state',
	'source',
	'load_ms',
	'load_bytes',
	'load_memory_mode',
	'error',
	'calls',
	'errors',
	'p50_ms',
	'p95_ms',
	'p99_ms',
	'max_ms',
	'busy_ms',
	'hook_share',
] as const;

/** The columns of the CSV export's caches file (`<name>-caches.csv`), one row per cache. */
export const CACHE_CSV_COLUMNS = [
	'cache',
	'size',
	'max',
	'calculated_size',
	'max_size',
	'ttl_ms',
	'hits',
	'misses',
	'stale_hits',
	'hit_ratio',
	'recent_hit_ratio',
	'sets',
	'evictions',
	'expirations',
	'deletes',
	'fetches',
	'fetch_errors',
	'inflight_dedups',
	'mean_fetch_ms',
] as const;

/** The default file name: perftop-<host>-<UTC timestamp>.<ext>, e.g. perftop-api-20250102T030405Z.json. */
export function defaultExportName(data: MetricsExport, format: 'json' | 'csv'): string {
	const host = data.snapshot.host.name.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'host';
	const stamp = new Date(data.exportedAt).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
	return `perftop-${host}-${stamp}.${format}`;
}

/**
 * Writes `data` and returns the absolute path of the main file (the JSON, or the series CSV; see
 * {@link writeExportFiles} for all the files). Never replaces an existing file unless `force`: the error then
 * names the path.
 */
export function writeExport(data: MetricsExport, options: WriteExportOptions): string {
	return writeExportFiles(data, options)[0]!;
}

/**
 * Writes `data` and returns the absolute paths written, the main file first: for CSV, the series file and
 * beside it `<name>-plugins.csv` and `<name>-caches.csv` ({@link PLUGIN_CSV_COLUMNS}, {@link CACHE_CSV_COLUMNS}).
 * Without `force`, nothing is written when any of them exists; a missing directory is named as such.
 */
export function writeExportFiles(data: MetricsExport, options: WriteExportOptions): string[] {
	const path = resolve(options.out ?? join(options.dir ?? process.cwd(), defaultExportName(data, options.format)));
	const files: Array<[string, string]> =
		options.format === 'csv'
			? [
					[path, exportToCsv(data)],
					[companionPath(path, 'plugins'), pluginsToCsv(data.snapshot.plugins)],
					[companionPath(path, 'caches'), cachesToCsv(data.snapshot.caches ?? [])],
				]
			: [[path, JSON.stringify(data, null, 2) + '\n']];
	const directory = dirname(path);
	if (!isDirectory(directory)) throw new Error(`cannot write ${path}: the directory ${directory} does not exist`);
	if (!options.force) for (const [file] of files) if (existsSync(file)) throw new Error(`${file} already exists; use --force to overwrite it`);
	for (const [file, text] of files) {
		try {
			writeFileSync(file, text, {flag: options.force ? 'w' : 'wx'});
		} catch (error) {
			if ((error as {code?: string}).code === 'EEXIST') throw new Error(`${file} already exists; use --force to overwrite it`);
			throw new Error(`cannot write ${file}: ${(error as Error).message}`);
		}
	}
	return files.map(([file]) => file);
}

/** `dir/name.csv` -> `dir/name-<part>.csv` (a name without .csv gets the suffix and .csv appended). */
export function companionPath(path: string, part: 'plugins' | 'caches'): string {
	return path.endsWith('.csv') ? `${path.slice(0, -4)}-${part}.csv` : `${path}-${part}.csv`;
}

function isDirectory(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

/**
 * The export as CSV: a header and one row per series. Durations in ms, rate in calls/s over the recent window;
 * `total_ms` is the summed latency, `async_calls` the calls that completed asynchronously and `self_ms` their
 * synchronous self time in total (both empty for series without async calls, or from older hosts).
 */
export function exportToCsv(data: MetricsExport): string {
	const rows = [CSV_COLUMNS.join(',')];
	for (const series of data.series) rows.push(csvRow(series));
	return rows.join('\n') + '\n';
}

/** The plugins as CSV ({@link PLUGIN_CSV_COLUMNS}): a header and one row per plugin, failed ones included. */
export function pluginsToCsv(plugins: PluginSummary[]): string {
	const rows = [PLUGIN_CSV_COLUMNS.join(',')];
	for (const plugin of plugins) {
		const values: Array<string | number | null> = [
			plugin.name,
			plugin.state,
			plugin.source,
			plugin.loadMs,
			plugin.loadBytes,
			plugin.loadMemoryMode,
			plugin.error,
			plugin.calls.count,
			plugin.calls.errors,
			plugin.calls.p50Ms,
			plugin.calls.p95Ms,
			plugin.calls.p99Ms,
			plugin.calls.maxMs,
			plugin.busyMs ?? null,
			plugin.hookShare,
		];
		rows.push(values.map(csvField).join(','));
	}
	return rows.join('\n') + '\n';
}

/** The caches as CSV ({@link CACHE_CSV_COLUMNS}): a header and one row per cache. */
export function cachesToCsv(caches: CacheSummary[]): string {
	const rows = [CACHE_CSV_COLUMNS.join(',')];
	for (const cache of caches) {
		const values: Array<string | number | null> = [
			cache.name,
			cache.size,
			cache.max,
			cache.calculatedSize,
			cache.maxSize,
			cache.ttlMs,
			cache.hits,
			cache.misses,
			cache.staleHits,
			cache.hitRatio,
			cache.recentHitRatio,
			cache.sets,
			cache.evictions,
			cache.expirations,
			cache.deletes,
			cache.fetches,
			cache.fetchErrors,
			cache.inflightDedups,
			cache.meanFetchMs,
		];
		rows.push(values.map(csvField).join(','));
	}
	return rows.join('\n') + '\n';
}

function csvRow(series: SeriesExport): string {
	const values: Array<string | number | null> = [
		series.plugin ?? '',
		series.op,
		series.kind,
		series.count,
		series.errors,
		series.p50Ms,
		series.p95Ms,
		series.p99Ms,
		series.maxMs,
		series.meanMs,
		series.recent.rate,
		series.totalMs,
		series.asyncCount ?? null,
		series.selfMs ?? null,
	];
	return values.map(csvField).join(',');
}

/** Numbers to 6 decimals; text quoted when needed and defused against formula injection (a name starting with =, +, -, @). */
function csvField(value: string | number | null): string {
	if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toFixed(6))) : '';
	return csvCell(value);
}
