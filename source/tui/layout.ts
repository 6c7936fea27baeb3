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
	/** Cache rows (the panel's title not included). */
	cacheRows: number;
	/** Alert rows (the panel's title not included). */
	alertRows: number;
	/** Whether a notice line is shown above the key bar. */
	noticeLine: boolean;
}

/**
 * Shares `height - 1` rows (Ink redraws the whole screen every frame when the output is as tall as the
 * terminal) between header, plugin table, caches, alerts, status line, notice line and key bar.
 */
export function mainLayout(width: number, height: number, snapshot: Snapshot | null, options: {notice: boolean}): MainLayout {
	const header = planHeader(width, height, snapshot);
	const usable = height - 1;
	const big = height >= 36;
	const caches = snapshot?.caches?.length ?? 0;
	const alerts = snapshot?.alerts.length ?? 0;
	const cacheRows = Math.min(caches, big ? 8 : 3);
	const alertRows = Math.min(alerts, big ? 5 : 2);
	const fixed = header.lines + 1 /* status */ + 1 /* table header */ + 1 + cacheRows + 1 + alertRows + 1 /* key bar */ + (options.notice ? 1 : 0);
	return {header, tableRows: Math.max(1, usable - fixed), cacheRows, alertRows, noticeLine: options.notice};
}

/** Rows of the detail view's hooks table. */
export function detailRows(height: number): number {
	// title, source/error, load line, two sparklines, blank, hooks header, status, key bar.
	return Math.max(1, height - 1 - 9);
}
