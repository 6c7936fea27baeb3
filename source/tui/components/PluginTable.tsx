/**
 * The plugins table: a column header (the sort column highlighted) and one line per plugin, scrolled so the
 * selected row is visible. A small own component rather than a generic table: it needs fixed-width columns,
 * a selection highlight, scrolling by window and one Text per row to stay cheap with hundreds of plugins.
 */
import {Box, Text, Transform} from 'ink';
import {memo} from 'react';
import type {PluginSummary} from '../../protocol/snapshot.js';
import {errorRatio, nameWidth, trendWidth, visibleColumns, type Column} from '../columns.js';
import {padEnd, padStart} from '../format.js';
import type {PluginTrend} from '../state/history.js';
import type {SortOrder} from '../state/rows.js';
import type {Theme} from '../theme.js';
import {sparkline} from './Sparkline.js';

/** Props of PluginTable. */
export interface PluginTableProps {
	/** Plugins in display order (already filtered and sorted). */
	plugins: readonly PluginSummary[];
	/** Whether the host has sent a snapshot at all. */
	hasSnapshot: boolean;
	/** Plugins before filtering (to tell "none" from "none matching"). */
	total: number;
	filter: string;
	selected: string | null;
	/** Index of the first row drawn. */
	top: number;
	rows: number;
	width: number;
	sort: SortOrder;
	/** Whether the selection is in this table: only then its row carries the `>` marker. */
	focused: boolean;
	theme: Theme;
	/** Per-plugin trends, for the TREND column of wide tables. */
	trends?: Readonly<Record<string, PluginTrend>>;
}

function cell(column: Column, text: string, width: number): string {
	return column.align === 'right' ? padStart(text, width) : padEnd(text, width);
}

function widthOf(column: Column, tableWidth: number): number {
	return column.id === 'name' ? nameWidth(tableWidth) : column.width;
}

/** The table's header line as text segments: [before sorted, sorted title, after]. */
export function headerParts(width: number, sort: SortOrder): [string, string, string] {
	let before = '  ';
	let sorted = '';
	let after = '';
	for (const [index, column] of visibleColumns(width).entries()) {
		const text = (index === 0 ? '' : ' ') + cell(column, column.title, widthOf(column, width));
		if (column.id === sort.column) sorted = text;
		else if (sorted === '') before += text;
		else after += text;
	}
	if (trendWidth(width) > 0) after += ' TREND calls/s';
	return [before, sorted, padEnd(after, Math.max(0, width - before.length - sorted.length))];
}

/** One plugin's row as plain text (without the selection marker and the trend). */
export function rowText(plugin: PluginSummary, width: number): string {
	let line = '';
	for (const [index, column] of visibleColumns(width).entries()) line += (index === 0 ? '' : ' ') + cell(column, column.text(plugin), widthOf(column, width));
	return line;
}

/** Where a row's coloured cells are, for a table `width` columns wide (selection marker not included). */
interface RowPlan {
	nameEnd: number;
	stateEnd: number;
	errorsStart: number;
	errorsEnd: number;
}

function rowPlan(width: number): RowPlan {
	const columns = visibleColumns(width);
	const nameEnd = nameWidth(width);
	const stateEnd = nameEnd + columns[1]!.width + 1;
	const errorsIndex = columns.findIndex(column => column.id === 'errors');
	const errorsStart = columns.slice(0, errorsIndex).reduce((sum, column) => sum + widthOf(column, width) + 1, 0) - 1;
	const errorsEnd = errorsStart + columns[errorsIndex]!.width + 1 + columns[errorsIndex + 1]!.width + 1;
	return {nameEnd, stateEnd, errorsStart, errorsEnd};
}

interface RowProps {
	/** The row's text (rowText), without the marker. */
	text: string;
	state: PluginSummary['state'];
	failing: boolean;
	width: number;
	selected: boolean;
	focused: boolean;
	theme: Theme;
	/** The table's last row (no line break after it). */
	last: boolean;
}

/**
 * One plugin's line inside the table body's Text, with nested styling only where a cell is coloured.
 * Memoised on its text, so a plugin whose numbers did not change is not drawn again by React.
 */
const Row = memo(function Row({text, state, failing, width, selected, focused, theme, last}: RowProps) {
	const end = last ? '' : '\n';
	if (selected) {
		// Only the focused table marks its row with `>`: where the focus is shows without colour too.
		const spark = trendWidth(width);
		return (
			<>
				<Text {...(focused ? theme.selected : theme.text.emphasis)}>{`${focused ? '>' : ' '} ${padEnd(text, width - 2 - (spark > 0 ? spark + 1 : 0))}`}</Text>
				{end}
			</>
		);
	}
	// Colour the state cell and, when the plugin has errors, the error cells. Trailing blanks are not drawn.
	const plan = rowPlan(width);
	const stateText = text.slice(plan.nameEnd, plan.stateEnd);
	const errorsText = text.slice(plan.errorsStart, plan.errorsEnd);
	return (
		<>
			{`  ${text.slice(0, plan.nameEnd)}`}
			<Text {...theme.plugin[state]}>{stateText}</Text>
			{text.slice(plan.stateEnd, plan.errorsStart)}
			{failing ? <Text {...theme.status.warn}>{errorsText}</Text> : errorsText}
			{text.slice(plan.errorsEnd).trimEnd() + end}
		</>
	);
});

/** Draws the table in exactly rows + 1 lines. */
export function PluginTable({plugins, hasSnapshot, total, filter, selected, top, rows, width, sort, focused, theme, trends}: PluginTableProps) {
	const [before, sorted, after] = headerParts(width, sort);
	const spark = trendWidth(width);
	const lines = [];
	const shown = plugins.slice(top, top + rows);
	for (const [index, plugin] of shown.entries()) {
		lines.push(
			<Row
				key={plugin.name}
				text={rowText(plugin, width)}
				state={plugin.state}
				failing={(errorRatio(plugin) ?? 0) > 0}
				width={width}
				selected={plugin.name === selected}
				focused={focused}
				theme={theme}
				last={index === shown.length - 1}
			/>,
		);
	}
	// One Text for all the rows: one text node for Ink to lay out, measure and draw instead of one per row.
	let body = shown.length > 0 ? <Text wrap="truncate-end">{lines}</Text> : null;
	if (body !== null && spark > 0) {
		// The trends as a column of their own: blanks for Ink to measure, blocks put in per line (see Sparkline).
		const texts = shown.map(plugin => sparkline(trends?.[plugin.name]?.rate.values ?? [], spark));
		const blank = Array.from({length: shown.length}, () => ' '.repeat(spark)).join('\n');
		body = (
			<Box>
				<Box width={width - spark - 1}>{body}</Box>
				<Box width={1} />
				<Transform transform={(line, index) => texts[index] ?? line}>
					<Text {...theme.sparkline}>{blank}</Text>
				</Transform>
			</Box>
		);
	}
	if (shown.length === 0) {
		const message = !hasSnapshot
			? 'waiting for the first snapshot from the host...'
			: total === 0
				? 'no plugins reported by the host yet'
				: `no plugin matches the filter "${filter}" (Esc clears it)`;
		body = (
			<Text {...theme.text.dim}>
				{'  '}
				{message}
			</Text>
		);
	}
	return (
		<Box flexDirection="column" height={rows + 1}>
			<Text wrap="truncate-end">
				<Text {...theme.heading}>{before}</Text>
				<Text {...theme.sortedHeading}>{sorted}</Text>
				<Text {...theme.heading}>{after}</Text>
			</Text>
			{body}
		</Box>
	);
}
