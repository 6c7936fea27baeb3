/**
 * `perftop --attach <socket> --once [--json]`: prints one snapshot and exits. Works without a terminal; on one,
 * the table fits its width (long names shortened in the middle).
 */
import {middleEllipsis} from '../analyze/table.js';
import type {AlertData, CacheSummary, EventLoopStats, LatencyStats, Snapshot} from '../protocol/snapshot.js';
import {connectOnce} from '../tui/client/connect-once.js';
import {isSshAddress} from '../tui/client/ssh-transport.js';
import {inspectSocketPath} from './socket-path.js';

/** Where a command prints (process.stdout / process.stderr by default; tests pass collectors). */
export interface CommandOutput {
	write(text: string): unknown;
}

/** Streams a command prints to. */
export interface CommandIo {
	stdout?: CommandOutput;
	stderr?: CommandOutput;
}

/** Options of {@link runOnce}. */
export interface OnceOptions extends CommandIo {
	/** The host's socket path. */
	socket: string;
	/** Print the snapshot as JSON instead of a table. */
	json: boolean;
	/** Columns the table must fit in (the terminal's width when stdout is one); default: no limit. */
	width?: number;
}

/** Prints one snapshot of the host at `socket` as a readable table, or as JSON. Resolves to the exit code. */
export async function runOnce({socket, json, width, stdout = process.stdout, stderr = process.stderr}: OnceOptions): Promise<number> {
	// An ssh:// address names a path on the server: the connection says what is (not) there.
	const where = isSshAddress(socket) ? ({kind: 'socket'} as const) : inspectSocketPath(socket);
	if (where.kind !== 'socket') {
		stderr.write(`perftop: ${where.message}\n`);
		return 1;
	}
	let snapshot: Snapshot;
	try {
		const client = await connectOnce({path: socket});
		try {
			snapshot = await client.command<Snapshot>('snapshot');
		} finally {
			client.close();
		}
	} catch (error) {
		stderr.write(`perftop: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
	stdout.write(json ? JSON.stringify(snapshot, null, 2) + '\n' : formatSnapshot(snapshot, {width}));
	return 0;
}

/**
 * A snapshot as plain text: host line, plugins (with their hooks), other series, caches, alerts. With `width`,
 * the tables' first column (plugin, operation and cache names) is shortened in the middle to fit.
 */
export function formatSnapshot(snapshot: Snapshot, {width}: {width?: number} = {}): string {
	const {host} = snapshot;
	const out: string[] = [];
	const uptime = snapshot.process ? ` up ${duration(snapshot.process.uptimeS * 1000)}` : ` up ${duration(snapshot.at - host.startedAt)}`;
	out.push(`${host.name} pid ${host.pid} on ${host.hostname}${uptime}, node ${host.node}, perftop ${host.perftop}${snapshot.monitor.readonly ? ' (read-only)' : ''}`);
	if (snapshot.process) {
		const p = snapshot.process;
		const loop = sampledLoop(p.eventLoop) ? `, loop p99 ${ms(p.eventLoop.p99Ms)}` : ', loop not sampled';
		const cpu = p.cpuPercent === null ? '' : `, cpu ${p.cpuPercent.toFixed(0)}%`;
		out.push(`rss ${bytes(p.rss)}, heap ${bytes(p.heapUsed)}/${bytes(p.heapTotal)}${cpu}${loop}`);
	}
	out.push('');
	const header = ['PLUGIN / OP', 'CALLS', 'P50', 'P95', 'P99', 'MAX', 'ERRORS'];
	const rows: string[][] = [];
	for (const plugin of snapshot.plugins) {
		const load = plugin.loadMs === null ? '' : ` load ${ms(plugin.loadMs)}`;
		rows.push([`${plugin.name} [${plugin.state}]${load}`, ...latencyCells(plugin.calls)]);
		for (const hook of plugin.hooks) rows.push([`  ${hook.op}`, ...latencyCells(hook)]);
	}
	for (const series of snapshot.series) rows.push([series.op, ...latencyCells(series)]);
	out.push(rows.length === 0 ? 'no plugins or operations recorded yet' : table(header, rows, width));
	if (snapshot.caches && snapshot.caches.length > 0) {
		out.push('');
		out.push(table(['CACHE', 'SIZE', 'HIT %', 'HITS', 'MISSES', 'EVICTIONS'], snapshot.caches.map(cacheCells), width));
	}
	out.push('');
	out.push(snapshot.alerts.length === 0 ? 'no active alerts' : snapshot.alerts.map(alertLine).join('\n'));
	return out.join('\n') + '\n';
}

function latencyCells(stats: LatencyStats): string[] {
	const errors = stats.errors === 0 ? '0' : `${stats.errors} (${((stats.errors / Math.max(1, stats.count)) * 100).toFixed(1)}%)`;
	return [String(stats.count), ms(stats.p50Ms), ms(stats.p95Ms), ms(stats.p99Ms), ms(stats.maxMs), errors];
}

function cacheCells(cache: CacheSummary): string[] {
	const size = cache.max === null ? String(cache.size) : `${cache.size}/${cache.max}`;
	const ratio = cache.hitRatio === null ? '-' : (cache.hitRatio * 100).toFixed(1);
	return [cache.name, size, ratio, String(cache.hits), String(cache.misses), String(cache.evictions)];
}

function alertLine(alert: AlertData): string {
	return `ALERT ${alert.rule} ${alert.subject}: ${alert.message} (since ${new Date(alert.since).toISOString()})`;
}

/**
 * The host's event-loop delay has samples: the sampler reports all zeros (or nothing) until its histogram has
 * recorded a delay, which is "not sampled", not a 0 µs loop.
 */
function sampledLoop(loop: EventLoopStats | null): loop is EventLoopStats {
	return loop !== null && (loop.p50Ms > 0 || loop.p99Ms > 0 || loop.maxMs > 0);
}

/** The narrowest the first column gets when fitting a width. */
const MIN_NAME_WIDTH = 12;
const GAP = 2;

/**
 * Left-aligns the first column, right-aligns the others. With `width`, the first column is shortened (in
 * the middle) so that each line fits, down to {@link MIN_NAME_WIDTH} characters.
 */
function table(header: string[], rows: string[][], width?: number): string {
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => (row[column] ?? '').length)));
	if (width !== undefined && Number.isFinite(width)) {
		const others = widths.slice(1).reduce((sum, value) => sum + value + GAP, 0);
		const room = Math.max(MIN_NAME_WIDTH, header[0]!.length, Math.floor(width) - others);
		if (widths[0]! > room) {
			widths[0] = room;
			rows = rows.map(row => [middleEllipsis(row[0] ?? '', room), ...row.slice(1)]);
		}
	}
	const line = (cells: string[]) =>
		cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' '.repeat(GAP)).trimEnd();
	return [line(header), ...rows.map(line)].join('\n');
}

function ms(value: number | null): string {
	if (value === null) return '-';
	if (value >= 1000) return `${(value / 1000).toFixed(2)}s`;
	if (value >= 10) return `${value.toFixed(1)}ms`;
	if (value >= 1) return `${value.toFixed(2)}ms`;
	return `${Math.round(value * 1000)}µs`;
}

function bytes(value: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let index = 0;
	while (value >= 1024 && index < units.length - 1) {
		value /= 1024;
		index++;
	}
	return `${value.toFixed(index === 0 ? 0 : 1)} ${units[index]}`;
}

/** A duration as e.g. 3d4h, 2h5m, 4m10s, 12s. */
export function duration(msValue: number): string {
	const s = Math.max(0, Math.floor(msValue / 1000));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
	if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
	return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}
