/**
 * Operations timed without a plugin (`monitor.wrap`, `monitor.time`, `startTimer` with no plugin): one line
 * each, the ones that took the most time first, with calls, rate, percentiles, max and errors.
 */
import {Box, Text} from 'ink';
import type {SeriesSummary} from '../../protocol/snapshot.js';
import {count, ms, padEnd, padStart, rate} from '../format.js';
import type {Theme} from '../theme.js';

/** Props of OperationsPanel. */
export interface OperationsPanelProps {
	/** The operations, busiest first (see {@link busiestFirst}). */
	operations: readonly SeriesSummary[];
	/** Operation rows (the title not included). */
	rows: number;
	width: number;
	theme: Theme;
}

const FIXED = [
	{title: 'CALLS', width: 6, text: (op: SeriesSummary) => count(op.count)},
	{title: 'RATE', width: 5, text: (op: SeriesSummary) => rate(op.recent.rate)},
	{title: 'P50', width: 5, text: (op: SeriesSummary) => ms(op.p50Ms)},
	{title: 'P95', width: 5, text: (op: SeriesSummary) => ms(op.p95Ms)},
	{title: 'P99', width: 5, text: (op: SeriesSummary) => ms(op.p99Ms)},
	{title: 'MAX', width: 5, text: (op: SeriesSummary) => ms(op.maxMs)},
	{title: 'ERRS', width: 5, text: (op: SeriesSummary) => count(op.errors)},
];

const FIXED_WIDTH = FIXED.reduce((sum, column) => sum + column.width + 1, 0);

function nameWidth(width: number): number {
	return Math.max(12, Math.min(60, width - 2 - FIXED_WIDTH));
}

/** The operations sorted by total time, largest first (a new array). */
export function busiestFirst(series: readonly SeriesSummary[]): SeriesSummary[] {
	return series.filter(entry => entry.plugin === null).sort((a, b) => b.totalMs - a.totalMs);
}

/** One operation's line as plain text. */
export function operationRowText(op: SeriesSummary, width: number): string {
	return `  ${padEnd(op.op, nameWidth(width))} ${FIXED.map(column => padStart(column.text(op), column.width)).join(' ')}`;
}

/** Draws the panel in rows + 1 lines (nothing when there are no operations). */
export function OperationsPanel({operations, rows, width, theme}: OperationsPanelProps) {
	if (operations.length === 0 || rows <= 0) return null;
	const shown = operations.slice(0, rows);
	const more = operations.length > rows ? ` (busiest ${rows} of ${operations.length})` : '';
	const title = `  ${padEnd(`OPERATION${more}`, nameWidth(width))} ${FIXED.map(column => padStart(column.title, column.width)).join(' ')}`;
	return (
		<Box flexDirection="column" height={rows + 1}>
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(title, width)}
			</Text>
			{shown.map(op => (
				<Text key={op.op} wrap="truncate-end">
					{operationRowText(op, width)}
				</Text>
			))}
		</Box>
	);
}
