/**
 * `perftop export --attach <socket> [--format json|csv|openmetrics|prometheus] [--out <file>] [--force]`: asks the
 * host for its full metrics and writes them to a file (never overwriting one unless --force). The text formats
 * (OpenMetrics 1.0, Prometheus text 0.0.4) are what the host's Prometheus endpoint serves, rendered from the same
 * data; without --out they go to stdout.
 */
import {existsSync, statSync, writeFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {exportedSeries, renderExposition, resolveExposition, type ExpositionFormat} from '../protocol/exposition.js';
import type {MetricsExport} from '../protocol/snapshot.js';
import {connectOnce} from '../tui/client/connect-once.js';
import {isSshAddress} from '../tui/client/ssh-transport.js';
import {writeExportFiles} from './export-file.js';
import type {CommandIo} from './once.js';
import {inspectSocketPath} from './socket-path.js';

/** Writes the export of the host at `socket`; prints the path written. Resolves to the exit code. */
export async function runExport({
	socket,
	format,
	out,
	force = false,
	dir,
	stdout = process.stdout,
	stderr = process.stderr,
}: {socket: string; format: 'json' | 'csv' | ExpositionFormat; out?: string; force?: boolean; dir?: string} & CommandIo): Promise<number> {
	const fail = (message: string) => {
		stderr.write(`perftop: ${message}\n`);
		return 1;
	};
	if (out !== undefined && !force && existsSync(out)) return fail(`${resolve(out)} already exists; use --force to overwrite it`);
	if (out !== undefined && !isDirectory(dirname(resolve(out)))) return fail(`cannot write ${resolve(out)}: the directory ${dirname(resolve(out))} does not exist`);
	if (out === undefined && dir !== undefined && !isDirectory(resolve(dir))) return fail(`cannot write into ${resolve(dir)}: no such directory`);
	// An ssh:// address names a path on the server: the connection says what is (not) there.
	const where = isSshAddress(socket) ? ({kind: 'socket'} as const) : inspectSocketPath(socket);
	if (where.kind !== 'socket') return fail(where.message);
	let data: MetricsExport;
	try {
		const client = await connectOnce({path: socket, commandTimeoutMs: 60_000});
		try {
			data = await client.command<MetricsExport>('export');
		} finally {
			client.close();
		}
	} catch (error) {
		return fail(error instanceof Error ? error.message : String(error));
	}
	if (format === 'openmetrics' || format === 'prometheus') {
		try {
			const text = exportToExposition(data, format);
			if (out === undefined) {
				stdout.write(text);
				return 0;
			}
			const path = resolve(out);
			writeFileSync(path, text, {flag: force ? 'w' : 'wx'});
			stdout.write(`wrote ${path} (${data.series.length} series)\n`);
			return 0;
		} catch (error) {
			if ((error as {code?: string}).code === 'EEXIST') return fail(`${resolve(out!)} already exists; use --force to overwrite it`);
			return fail(error instanceof Error ? error.message : String(error));
		}
	}
	try {
		const [path, ...companions] = writeExportFiles(data, {format, out, force, dir});
		stdout.write(`wrote ${path} (${data.series.length} series)\n`);
		if (companions.length > 0) stdout.write(`and ${companions.join(', ')} (${data.snapshot.plugins.length} plugins, ${data.snapshot.caches?.length ?? 0} caches)\n`);
		return 0;
	} catch (error) {
		return fail(error instanceof Error ? error.message : String(error));
	}
}

function isDirectory(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

/**
 * A host's export (the socket's `export` command) as Prometheus text 0.0.4 or OpenMetrics 1.0, with the default
 * buckets and cap: the same families as the host's endpoint, but for the process CPU counters, which the
 * export does not carry.
 */
export function exportToExposition(data: MetricsExport, format: ExpositionFormat): string {
	const {snapshot} = data;
	return renderExposition(
		{
			series: data.series.map(exportedSeries),
			plugins: snapshot.plugins,
			caches: snapshot.caches,
			alerts: snapshot.alerts,
			process: snapshot.process,
			host: snapshot.host,
			monitor: {series: snapshot.monitor.series, seriesCap: snapshot.monitor.seriesCap, faults: snapshot.monitor.faults},
		},
		resolveExposition(),
		format,
	);
}
