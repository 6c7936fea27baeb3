/**
 * `perftop export --attach <socket> [--format json|csv] [--out <file>] [--force]`: asks the host for its full
 * metrics and writes them to a file (never overwriting one unless --force).
 */
import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import type {MetricsExport} from '../protocol/snapshot.js';
import {connectOnce} from '../tui/client/connect-once.js';
import {writeExport} from './export-file.js';
import type {CommandIo} from './once.js';

/** Writes the export of the host at `socket`; prints the path written. Resolves to the exit code. */
export async function runExport({
	socket,
	format,
	out,
	force = false,
	dir,
	stdout = process.stdout,
	stderr = process.stderr,
}: {socket: string; format: 'json' | 'csv'; out?: string; force?: boolean; dir?: string} & CommandIo): Promise<number> {
	const fail = (message: string) => {
		stderr.write(`perftop: ${message}\n`);
		return 1;
	};
	if (out !== undefined && !force && existsSync(out)) return fail(`${resolve(out)} already exists; use --force to overwrite it`);
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
	try {
		const path = writeExport(data, {format, out, force, dir});
		stdout.write(`wrote ${path} (${data.series.length} series)\n`);
		return 0;
	} catch (error) {
		return fail(error instanceof Error ? error.message : String(error));
	}
}
