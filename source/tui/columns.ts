/**
 * The plugin table's columns as data: title, width, how to sort and how to print. The order here is the order
 * on screen and the order `<`/`>` walk through.
 */
import type {PluginSummary} from '../protocol/snapshot.js';
import {bytes, count, ms, percent, rate} from './format.js';

/** Column ids. */
export type ColumnId = 'name' | 'state' | 'loadMs' | 'loadBytes' | 'calls' | 'rate' | 'p50' | 'p95' | 'p99' | 'max' | 'mean' | 'errors' | 'errorPct' | 'share';

/** One column. */
export interface Column {
	id: ColumnId;
	title: string;
	/** What the column means (the help screen's legend). */
	meaning: string;
	/** Width in columns (the name column's is its minimum; it takes the rest). */
	width: number;
	align: 'left' | 'right';
	/** Shown only in tables at least this wide (wide terminals get more columns). */
	minTableWidth?: number;
	/** Sort key; null sorts last whatever the direction. */
	value(plugin: PluginSummary): number | string | null;
	text(plugin: PluginSummary): string;
}

const STATE_TEXT: Record<PluginSummary['state'], string> = {loaded: 'ok', loading: 'load', failed: 'FAIL', unloaded: 'gone'};

/** Error share of all calls since start/reset, or null before any call. */
export function errorRatio(plugin: PluginSummary): number | null {
	return plugin.calls.count > 0 ? plugin.calls.errors / plugin.calls.count : null;
}

/** Tables at least this wide show the MAX and MEAN columns. */
export const WIDE_TABLE = 120;
/** Tables at least this wide get a name column up to {@link WIDE_NAME} wide (else 40). */
export const WIDER_TABLE = 160;
/** The widest name column. */
export const WIDE_NAME = 60;

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
	{id: 'max', meaning: 'slowest call, ms (wide terminals)', title: 'MAX', width: 5, align: 'right', minTableWidth: WIDE_TABLE, value: p => p.calls.maxMs, text: p => ms(p.calls.maxMs)},
	{id: 'mean', meaning: 'mean call time, ms (wide terminals)', title: 'MEAN', width: 5, align: 'right', minTableWidth: WIDE_TABLE, value: p => p.calls.meanMs, text: p => ms(p.calls.meanMs)},
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

const visibleByWidth = new Map<number, readonly Column[]>();

/** The columns a table `width` columns wide shows, left to right (computed once per width). */
export function visibleColumns(width: number): readonly Column[] {
	let columns = visibleByWidth.get(width);
	if (columns === undefined) {
		columns = COLUMNS.filter(column => column.minTableWidth === undefined || width >= column.minTableWidth);
		if (visibleByWidth.size > 64) visibleByWidth.clear();
		visibleByWidth.set(width, columns);
	}
	return columns;
}

/** Width of the columns after the name in a table `width` columns wide, one space before each included. */
export function fixedWidth(width: number): number {
	return visibleColumns(width)
		.slice(1)
		.reduce((sum, column) => sum + column.width + 1, 0);
}

/**
 * Width of the name column for a table `width` columns wide: the room the fixed columns leave (one space
 * before each, two for the selection marker), at least its minimum and at most 40 ({@link WIDE_NAME} on
 * tables at least {@link WIDER_TABLE} wide).
 */
export function nameWidth(width: number): number {
	return Math.max(COLUMNS[0]!.width, Math.min(width >= WIDER_TABLE ? WIDE_NAME : 40, width - fixedWidth(width) - 2));
}

/** Width of the trend sparkline after the last column (0: none; it needs at least 8 columns). */
export function trendWidth(width: number): number {
	const room = width - 2 - nameWidth(width) - fixedWidth(width) - 1;
	return room >= 8 ? room : 0;
}
