/**
 * The detail view of one plugin: its load cost and busy time, totals, trend sparklines and its hooks with their
 * own percentiles and, for async hooks, their synchronous self time.
 */
import {Box, Text} from 'ink';
import type {PluginSummary, SeriesSummary} from '../../protocol/snapshot.js';
import {errorRatio} from '../columns.js';
import {bytes, count, ms, padEnd, padStart, percent, rate} from '../format.js';
import {hookTrend, type History} from '../state/history.js';
import type {Theme} from '../theme.js';
import {Sparkline} from './Sparkline.js';

/** Props of PluginDetail. */
export interface PluginDetailProps {
	plugin: PluginSummary;
	history: History;
	width: number;
	/** Hook rows available. */
	rows: number;
	top: number;
	theme: Theme;
}

const HOOK_COLUMNS = [
	{title: 'CALLS', width: 6, text: (hook: SeriesSummary) => count(hook.count)},
	{title: 'CALL/s', width: 6, text: (hook: SeriesSummary) => rate(hook.recent.rate)},
	{title: 'P50ms', width: 5, text: (hook: SeriesSummary) => ms(hook.p50Ms)},
	{title: 'P95ms', width: 5, text: (hook: SeriesSummary) => ms(hook.p95Ms)},
	{title: 'P99ms', width: 5, text: (hook: SeriesSummary) => ms(hook.p99Ms)},
	{title: 'MAXms', width: 5, text: (hook: SeriesSummary) => ms(hook.maxMs)},
	{title: 'ERRS', width: 5, text: (hook: SeriesSummary) => count(hook.errors)},
	{title: 'SLOW', width: 5, text: (hook: SeriesSummary) => count(hook.slow)},
	{title: 'SELFms', width: 6, text: (hook: SeriesSummary) => ms(selfMean(hook))},
];

/**
 * Mean synchronous self time of a hook's async calls (ms): what each blocked the event loop for before
 * returning; null for hooks without async calls (their latency is all self time).
 */
export function selfMean(hook: SeriesSummary): number | null {
	return hook.asyncCount !== undefined && hook.asyncCount > 0 && hook.selfMs !== undefined ? hook.selfMs / hook.asyncCount : null;
}
const FIXED = HOOK_COLUMNS.reduce((sum, column) => sum + column.width + 1, 0);

function hookNameWidth(width: number): number {
	return Math.max(14, Math.min(32, width - 2 - FIXED - 12));
}

/** A duration with its unit: `ms` unless the text already carries one (`4.20s`, `12us`). */
function withUnit(value: number): string {
	const text = ms(value);
	return /[a-z]$/.test(text) ? text : `${text} ms`;
}

/** One hook's line (without trend) as plain text. */
export function hookRowText(hook: SeriesSummary, width: number): string {
	return `  ${padEnd(hook.op, hookNameWidth(width))} ${HOOK_COLUMNS.map(column => padStart(column.text(hook), column.width)).join(' ')} `;
}

/** Width of the trend sparkline after a hook's row in a view `width` columns wide. */
export function hookTrendWidth(width: number): number {
	return Math.max(4, width - 2 - hookNameWidth(width) - 1 - FIXED - 1);
}

/** The hooks table's column header (`more` follows HOOK, e.g. a range). */
export function hookHeaderText(width: number, more: string): string {
	return `  ${padEnd(`HOOK${more}`, hookNameWidth(width))} ${HOOK_COLUMNS.map(column => padStart(column.title, column.width)).join(' ')} ${padEnd('P99 TREND', hookTrendWidth(width))}`;
}

function trendLine(label: string, values: ArrayLike<number>, width: number, last: string, theme: Theme) {
	const labelWidth = 10;
	const sparkWidth = Math.max(4, width - labelWidth - last.length - 2);
	return (
		<Box height={1}>
			<Text {...theme.text.label}>{padEnd(label, labelWidth)}</Text>
			<Sparkline values={values} width={sparkWidth} style={theme.sparkline} />
			<Text wrap="truncate-end"> {last}</Text>
		</Box>
	);
}

/** Draws the detail view in rows + 7 lines. */
export function PluginDetail({plugin, history, width, rows, top, theme}: PluginDetailProps) {
	const trend = history.plugins[plugin.name];
	const calls = plugin.calls;
	const loadMemory = plugin.loadBytes === null ? '-' : `${bytes(plugin.loadBytes)}${plugin.loadMemoryMode === 'gc' ? ' (measured between GCs)' : plugin.loadMemoryMode === 'heap-delta' ? ' (heap delta)' : ''}`;
	const title = `  Plugin ${plugin.name}  [${plugin.state}]  ${plugin.source ? `from ${plugin.source}` : ''}`;
	const busy = plugin.busyMs === undefined ? '' : `  busy ${withUnit(plugin.busyMs)}`;
	const second = plugin.state === 'failed' && plugin.error ? `  failed: ${plugin.error}` : `  load time ${plugin.loadMs === null ? '-' : `${ms(plugin.loadMs)} ms`}  load memory ${loadMemory}${busy}`;
	const third = `  calls ${count(calls.count)}  errors ${count(calls.errors)} (${percent(errorRatio(plugin))})  p50/p95/p99/max ${[calls.p50Ms, calls.p95Ms, calls.p99Ms, calls.maxMs].map(ms).join('/')} ms  share ${percent(plugin.hookShare)}`;
	const top0 = Math.max(0, Math.min(top, plugin.hooks.length - rows));
	const hooks = plugin.hooks.slice(top0, top0 + rows);
	const trendWidth = hookTrendWidth(width);
	const more = plugin.hooks.length > rows ? ` (${top0 + 1}-${top0 + hooks.length} of ${plugin.hooks.length})` : '';
	const header = hookHeaderText(width, more);
	return (
		<Box flexDirection="column" height={rows + 7}>
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(title, width)}
			</Text>
			<Text wrap="truncate-end" {...(plugin.state === 'failed' ? theme.status.error : theme.text.normal)}>
				{second}
			</Text>
			<Text wrap="truncate-end">{third}</Text>
			{trendLine('  calls/s', trend?.rate.values ?? [], width, `${rate(plugin.recent.rate)}/s`, theme)}
			{trendLine('  p99 ms', trend?.p99.values ?? [], width, `${ms(plugin.recent.p99Ms)}ms`, theme)}
			<Text> </Text>
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(header, width)}
			</Text>
			{hooks.length === 0 ? (
				<Text {...theme.text.dim}>  no hook calls recorded for this plugin yet</Text>
			) : (
				hooks.map(hook => (
					<Box key={hook.op} height={1}>
						<Text wrap="truncate-end">{hookRowText(hook, width)}</Text>
						<Sparkline values={hookTrend(history, plugin.name, hook.op)?.p99.values ?? []} width={trendWidth} style={theme.sparkline} />
					</Box>
				))
			)}
		</Box>
	);
}
