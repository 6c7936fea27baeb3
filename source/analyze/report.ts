/**
 * The analysis as text (the default output) and as CSV (the per-plugin and per-hook latency rows).
 */
import {invalidCount, type AnalysisResult, type LatencyRow, type PluginRow} from './result.js';
import {count, mib, ms, percent, table, time, type Column} from './table.js';
import {formatBytes} from './lines.js';

const latencyColumns = <Row extends LatencyRow>(): Array<Column<Row>> => [
	{title: 'calls', value: row => count(row.calls), align: 'right'},
	{title: 'errors', value: row => count(row.errors), align: 'right'},
	{title: 'err%', value: row => percent(row.errorRate), align: 'right'},
	{title: 'slow', value: row => count(row.slow), align: 'right'},
	{title: 'p50 ms', value: row => ms(row.p50Ms), align: 'right'},
	{title: 'p95 ms', value: row => ms(row.p95Ms), align: 'right'},
	{title: 'p99 ms', value: row => ms(row.p99Ms), align: 'right'},
	{title: 'max ms', value: row => ms(row.maxMs), align: 'right'},
	{title: 'total s', value: row => (row.totalMs / 1000).toFixed(1), align: 'right'},
];

/** The readable report. */
export function textReport(result: AnalysisResult): string {
	const out: string[] = [];
	const bytes = result.inputs.reduce((sum, input) => sum + input.bytes, 0);
	const lines = result.lines;
	out.push(`perftop analyze: ${result.inputs.length} file(s), ${formatBytes(bytes)}, ${count(lines.total)} lines, ${count(lines.records)} records from ${result.processes} process(es)\n`);
	out.push(`time span: ${time(result.span.from)} .. ${time(result.span.to)}\n`);
	const invalid = invalidCount(lines);
	if (invalid > 0) {
		const parts = Object.entries(lines.invalid)
			.filter(([, value]) => value > 0)
			.map(([reason, value]) => `${count(value)} ${INVALID_LABELS[reason] ?? reason}`);
		out.push(`invalid lines: ${count(invalid)} (${parts.join(', ')})\n`);
	}
	if (lines.foreign > 0) out.push(`other programs' lines ignored: ${count(lines.foreign)}\n`);
	if (lines.filtered > 0) out.push(`records outside the filters: ${count(lines.filtered)}\n`);
	if (result.seriesCapped) out.push('too many distinct series: the rest were folded into (other)\n');
	for (const problem of result.problems) out.push(`warning: ${problem}\n`);

	out.push('\nPlugins\n');
	out.push(table<PluginRow>(result.plugins, [{title: 'plugin', value: row => row.plugin ?? '-'}, ...latencyColumns<PluginRow>(), {title: 'load ms', value: row => ms(row.loadMs), align: 'right'}, {title: 'load MiB', value: row => mib(row.loadBytes), align: 'right'}]));
	out.push('\nHooks and operations\n');
	out.push(table<LatencyRow>(result.hooks, [{title: 'plugin', value: row => row.plugin ?? '-'}, {title: 'hook', value: row => row.op ?? '-'}, ...latencyColumns<LatencyRow>()]));
	out.push('\nSlowest calls\n');
	out.push(
		table(result.slowest, [
			{title: 'time', value: row => time(row.time)},
			{title: 'plugin', value: row => row.plugin ?? '-'},
			{title: 'hook', value: row => row.op},
			{title: 'ms', value: row => ms(row.ms), align: 'right'},
			{title: 'unlogged slow', value: row => count(row.suppressed), align: 'right'},
		]),
	);
	out.push(`\nAlerts (${count(result.alerts.total)}${result.alerts.omitted > 0 ? `, earliest ${count(result.alerts.omitted)} not shown` : ''})\n`);
	out.push(
		table(result.alerts.timeline, [
			{title: 'time', value: row => time(row.time)},
			{title: 'state', value: row => row.state},
			{title: 'rule', value: row => row.rule},
			{title: 'subject', value: row => row.subject},
			{title: 'message', value: row => row.message, max: 60},
		]),
	);
	out.push('\nMemory over time\n');
	out.push(
		table(result.memory, [
			{title: 'from', value: row => time(row.from)},
			{title: 'samples', value: row => count(row.samples), align: 'right'},
			{title: 'rss max MiB', value: row => mib(row.rssMax), align: 'right'},
			{title: 'rss mean MiB', value: row => mib(row.rssMean), align: 'right'},
			{title: 'heap max MiB', value: row => mib(row.heapUsedMax), align: 'right'},
			{title: 'cpu %', value: row => (row.cpuPercent === null ? '-' : row.cpuPercent.toFixed(1)), align: 'right'},
		]),
	);
	if (result.caches.length > 0) {
		out.push('\nCaches (last reported)\n');
		out.push(
			table(result.caches, [
				{title: 'cache', value: row => row.cache},
				{title: 'size', value: row => (row.size === null ? '-' : count(row.size)), align: 'right'},
				{title: 'hits', value: row => count(row.hits), align: 'right'},
				{title: 'misses', value: row => count(row.misses), align: 'right'},
				{title: 'hit ratio', value: row => percent(row.hitRatio), align: 'right'},
				{title: 'evictions', value: row => (row.evictions === null ? '-' : count(row.evictions)), align: 'right'},
			]),
		);
	}
	return out.join('');
}

const INVALID_LABELS: Record<string, string> = {
	json: 'not JSON (garbage or cut at a rotation)',
	version: 'of an unknown schema version',
	fields: 'with missing or malformed fields',
	oversized: 'too long',
	truncated: 'cut off at the end of a file',
};

const CSV_FIELDS = ['level', 'plugin', 'hook', 'calls', 'errors', 'errorRate', 'slow', 'p50Ms', 'p95Ms', 'p99Ms', 'minMs', 'maxMs', 'meanMs', 'totalMs'] as const;

/** One CSV row per plugin (level `plugin`) and per plugin+hook (level `hook`), with a header line. */
export function csvReport(result: AnalysisResult): string {
	const rows: string[] = [CSV_FIELDS.join(',')];
	const line = (level: string, row: LatencyRow) =>
		[level, row.plugin ?? '', row.op ?? '', row.calls, row.errors, row.errorRate, row.slow, row.p50Ms, row.p95Ms, row.p99Ms, row.minMs, row.maxMs, row.meanMs, row.totalMs].map(csvCell).join(',');
	for (const row of result.plugins) rows.push(line('plugin', row));
	for (const row of result.hooks) rows.push(line('hook', row));
	return rows.join('\n') + '\n';
}

/** A CSV cell: numbers as is, null empty, text quoted when needed (and defused against formula injection). */
export function csvCell(value: string | number | null): string {
	if (value === null) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	let text = value;
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
