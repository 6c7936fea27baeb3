/**
 * Writing a metrics export to a file, as JSON (the export as is) or CSV (one row per series).
 */
import {writeFileSync} from 'node:fs';
import {resolve, join} from 'node:path';
import {csvCell} from '../analyze/report.js';
import type {MetricsExport, SeriesExport} from '../protocol/snapshot.js';

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

/** The columns of the CSV export, in order. */
export const CSV_COLUMNS = ['plugin', 'op', 'kind', 'count', 'errors', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms', 'mean_ms', 'rate_per_s', 'total_ms', 'async_calls', 'self_ms'] as const;

/** The default file name: perftop-<host>-<UTC timestamp>.<ext>, e.g. perftop-api-20250102T030405Z.json. */
export function defaultExportName(data: MetricsExport, format: 'json' | 'csv'): string {
	const host = data.snapshot.host.name.replace(/[^\w.-]+/g, '_').slice(0, 60) || 'host';
	const stamp = new Date(data.exportedAt).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
	return `perftop-${host}-${stamp}.${format}`;
}

/**
 * Writes `data` and returns the absolute path written. Never replaces an existing file unless `force`: the
 * error then names the path.
 */
export function writeExport(data: MetricsExport, options: WriteExportOptions): string {
	const path = resolve(options.out ?? join(options.dir ?? process.cwd(), defaultExportName(data, options.format)));
	const text = options.format === 'csv' ? exportToCsv(data) : JSON.stringify(data, null, 2) + '\n';
	try {
		writeFileSync(path, text, {flag: options.force ? 'w' : 'wx'});
	} catch (error) {
		if ((error as {code?: string}).code === 'EEXIST') throw new Error(`${path} already exists; use --force to overwrite it`);
		throw new Error(`cannot write ${path}: ${(error as Error).message}`);
	}
	return path;
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
