/**
 * How the screen's rows are shared between sections, from the terminal size and what the snapshot holds.
 * Pure: the screen and the key handler (paging) use the same numbers.
 */
import type {Snapshot} from '../protocol/snapshot.js';

/** The smallest terminal the TUI draws in. */
export const MIN_WIDTH = 80;
/** The smallest terminal height the TUI draws in. */
export const MIN_HEIGHT = 24;

/** Width of one per-core CPU meter in the header, spacing included. */
export const CORE_METER_WIDTH = 14;

/** The header's shape. */
export interface HeaderPlan {
	/** Width of each of the two meter columns. */
	columnWidth: number;
	coresPerLine: number;
	/** Lines of per-core meters (0 when there is no per-core data). */
	coreLines: number;
	/** Cores not drawn for lack of room. */
	hiddenCores: number;
	/** Lines of disk meters (0: disks are summarised on the load line). */
	diskLines: number;
	/** Total header lines. */
	lines: number;
}

/** Plans the header for a terminal of `width` x `height`. */
export function planHeader(width: number, height: number, snapshot: Snapshot | null): HeaderPlan {
	const columnWidth = Math.floor((width - 1) / 2);
	const cores = snapshot?.system?.cpu?.coresPercent.length ?? 0;
	const coresPerLine = Math.max(1, Math.floor(columnWidth / CORE_METER_WIDTH));
	const maxCoreLines = height >= 50 ? 4 : height >= 36 ? 2 : 1;
	const coreLines = Math.min(maxCoreLines, Math.ceil(cores / coresPerLine));
	const hiddenCores = Math.max(0, cores - coreLines * coresPerLine);
	const disks = snapshot?.system?.disks?.length ?? 0;
	const diskLines = height >= 40 ? Math.min(disks, 4) : 0;
	// Left: CPU, cores, Mem, Swap, Load (+disks); right: RSS, Heap, Loop, ELU.
	const left = 4 + coreLines + diskLines;
	return {columnWidth, coresPerLine, coreLines, hiddenCores, diskLines, lines: Math.max(4, left)};
}

/** Rows of each section of the main view. */
export interface MainLayout {
	header: HeaderPlan;
	/** Plugin rows (the table's column header not included). */
	tableRows: number;
	/** Rows of the operations panel (its title not included; 0: no panel). */
	operationRows: number;
	/** Cache rows (the panel's title not included). */
	cacheRows: number;
	/** Alert lines (the panel's title not included). */
	alertRows: number;
	/** Rows of the selected plugin's hooks panel (its title not included; 0: no panel). */
	hookRows: number;
	/** Whether a notice line is shown above the key bar. */
	noticeLine: boolean;
}

/** What the main view's layout depends on besides the size and the snapshot. */
export interface LayoutOptions {
	notice: boolean;
	/** Plugins in the table (after the filter); default: all of the snapshot's. */
	plugins?: number;
	/** Hooks of the selected plugin (a hooks panel is drawn on tall, wide terminals); default: none selected. */
	hooks?: number | null;
	/** Operations timed without a plugin; default: counted in the snapshot. */
	operations?: number;
	/** Lines the alerts would take at this width, each wrapped once at most; default: one per alert. */
	alertLines?: number;
}

/** Terminals at least this tall get the larger panels and the selected plugin's hooks panel. */
export const TALL = 36;
/** Terminals at least this wide get the hooks panel (its columns need the room). */
export const WIDE = 100;

/**
 * Shares `height - 1` rows (Ink redraws the whole screen every frame when the output is as tall as the
 * terminal) between header, status line, plugin table, operations, caches, alerts, hooks of the selected plugin
 * (tall, wide terminals), notice line and key bar. The plugin table takes what it needs and the hooks panel the
 * rest, so a tall terminal shows more instead of blank rows.
 */
export function mainLayout(width: number, height: number, snapshot: Snapshot | null, options: LayoutOptions): MainLayout {
	const header = planHeader(width, height, snapshot);
	const usable = height - 1;
	const big = height >= TALL;
	const caches = snapshot?.caches?.length ?? 0;
	const operations = options.operations ?? (snapshot ? countOperations(snapshot) : 0);
	const alertLines = options.alertLines ?? snapshot?.alerts.length ?? 0;
	const cacheRows = Math.min(caches, big ? 8 : 3);
	const alertRows = Math.min(alertLines, big ? 6 : 2);
	const operationRows = Math.min(operations, big ? 8 : 2);
	const fixed =
		header.lines + 1 /* status */ + 1 /* table header */ + (operationRows > 0 ? operationRows + 1 : 0) + 1 + cacheRows + 1 + alertRows + 1 /* key bar */ + (options.notice ? 1 : 0);
	const rows = Math.max(1, usable - fixed);
	const hooks = options.hooks ?? null;
	if (!big || width < WIDE || hooks === null) return {header, tableRows: rows, operationRows, cacheRows, alertRows, hookRows: 0, noticeLine: options.notice};
	const plugins = options.plugins ?? snapshot?.plugins.length ?? 0;
	// The table keeps at least a few rows; the hooks panel at least one row and its title.
	const tableRows = Math.max(Math.min(5, rows), Math.min(plugins, rows - 2 - Math.min(hooks, 8)));
	const hookRows = rows - tableRows - 1;
	if (hookRows < 1) return {header, tableRows: rows, operationRows, cacheRows, alertRows, hookRows: 0, noticeLine: options.notice};
	return {header, tableRows, operationRows, cacheRows, alertRows, hookRows, noticeLine: options.notice};
}

/** Operations timed without a plugin in the snapshot. */
export function countOperations(snapshot: Snapshot): number {
	let operations = 0;
	for (const series of snapshot.series) if (series.plugin === null) operations++;
	return operations;
}

/** Rows of the detail view's hooks table. */
export function detailRows(height: number): number {
	// title, source/error, load line, two sparklines, blank, hooks header, status, key bar.
	return Math.max(1, height - 1 - 9);
}
