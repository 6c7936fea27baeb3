/**
 * The plugin table's columns as data: title, width, how to sort and how to print. The order here is the order
 * on screen and the order `<`/`>` walk through.
 */
import type {PluginSummary} from '../protocol/snapshot.js';
import {bytes, count, ms, percent, rate} from './format.js';

/** Column ids. */
export type ColumnId = 'name' | 'state' | 'loadMs' | 'loadBytes' | 'calls' | 'rate' | 'p50' | 'p95' | 'p99' | 'errors' | 'errorPct' | 'share';

/** One column. */
export interface Column {
	id: ColumnId;
	title: string;
	/** What the column means (the help screen's legend). */
	meaning: string;
	/** Width in columns (the name column's is its minimum; it takes the rest). */
	width: number;
	align: 'left' | 'right';
	/** Sort key; null sorts last whatever the direction. */
	value(plugin: PluginSummary): number | string | null;
	text(plugin: PluginSummary): string;
}

const STATE_TEXT: Record<PluginSummary['state'], string> = {loaded: 'ok', loading: 'load', failed: 'FAIL', unloaded: 'gone'};

/** Error share of all calls since start/reset, or null before any call. */
export function errorRatio(plugin: PluginSummary): number | null {
	return plugin.calls.count > 0 ? plugin.calls.errors / plugin.calls.count : null;
}

/** The plugin table's columns, left to right. */
export const COLUMNS: readonly Column[] = [
	{id: 'name', meaning: 'plugin name', title: 'PLUGIN', width: 10, align: 'left', value: p => p.name.toLowerCase(), text: p => p.name},
	{id: 'state', meaning: 'ok, load(ing), FAIL(ed) or gone (unloaded)', title: 'ST', width: 4, align: 'left', value: p => p.state, text: p => STATE_TEXT[p.state]},
	{id: 'loadMs', meaning: 'load time, ms', title: 'LOAD', width: 5, align: 'right', value: p => p.loadMs, text: p => ms(p.loadMs)},
	{id: 'loadBytes', meaning: 'heap growth caused by loading', title: 'LMEM', width: 6, align: 'right', value: p => p.loadBytes, text: p => bytes(p.loadBytes)},
	{id: 'calls', meaning: 'calls since start or reset', title: 'CALLS', width: 6, align: 'right', value: p => p.calls.count, text: p => count(p.calls.count)},
	{id: 'rate', meaning: 'calls per second, recent window', title: 'RATE', width: 5, align: 'right', value: p => p.recent.rate, text: p => rate(p.recent.rate)},
	{id: 'p50', meaning: 'median call time, ms', title: 'P50', width: 5, align: 'right', value: p => p.calls.p50Ms, text: p => ms(p.calls.p50Ms)},
	{id: 'p95', meaning: '95th percentile call time, ms', title: 'P95', width: 5, align: 'right', value: p => p.calls.p95Ms, text: p => ms(p.calls.p95Ms)},
	{id: 'p99', meaning: '99th percentile call time, ms', title: 'P99', width: 5, align: 'right', value: p => p.calls.p99Ms, text: p => ms(p.calls.p99Ms)},
	{id: 'errors', meaning: 'calls that threw or rejected', title: 'ERRS', width: 5, align: 'right', value: p => p.calls.errors, text: p => count(p.calls.errors)},
	{id: 'errorPct', meaning: 'errors as a share of calls', title: 'ERR%', width: 5, align: 'right', value: errorRatio, text: p => percent(errorRatio(p))},
	{id: 'share', meaning: 'share of all plugins\' hook busy time', title: 'TIME%', width: 5, align: 'right', value: p => p.hookShare, text: p => percent(p.hookShare)},
];

/** The column with this id (the name column for an unknown id). */
export function columnById(id: ColumnId): Column {
	return COLUMNS.find(column => column.id === id) ?? COLUMNS[0]!;
}

/** The column `step` places left (-1) or right (+1) of `id`, clamped at the ends. */
export function stepColumn(id: ColumnId, step: number): ColumnId {
	const index = COLUMNS.findIndex(column => column.id === id);
	const next = Math.min(COLUMNS.length - 1, Math.max(0, index + step));
	return COLUMNS[next]!.id;
}

/**
 * Width of the name column for a table `width` columns wide: the room the fixed columns leave (one space
 * before each, two for the selection marker), at least its minimum and at most 40.
 */
export function nameWidth(width: number): number {
	const fixed = COLUMNS.slice(1).reduce((sum, column) => sum + column.width + 1, 0);
	return Math.max(COLUMNS[0]!.width, Math.min(40, width - fixed - 2));
}
