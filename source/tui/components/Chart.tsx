/**
 * A sparkline several rows tall (btop-style graph): the last `width` values, each a column of block characters
 * scaled from 0 to `max` (default: the largest value). Drawn like Sparkline: Ink measures blanks and the blocks
 * are put in line by line, so a tall chart costs what its size costs, not string-width per block.
 */
import {Box, Text, Transform} from 'ink';
import {padEnd} from '../format.js';
import type {Style} from '../theme.js';

const BLOCKS = ' ▁▂▃▄▅▆▇█';

/** The chart as `height` lines of `width` characters, top line first. NaN draws as a gap. */
export function chartLines(values: ArrayLike<number>, width: number, height: number, max?: number): string[] {
	if (width <= 0 || height <= 0) return [];
	const from = Math.max(0, values.length - width);
	let top = max ?? 0;
	if (max === undefined) for (let index = from; index < values.length; index++) if (values[index]! > top) top = values[index]!;
	const pad = width - (values.length - from);
	const lines: string[] = [];
	for (let row = 0; row < height; row++) {
		// Eighths of a row below this row's bottom edge.
		const below = (height - 1 - row) * 8;
		let line = ' '.repeat(pad);
		for (let index = from; index < values.length; index++) {
			const value = values[index]!;
			const level = !(top > 0) || Number.isNaN(value) ? 0 : Math.round((Math.max(0, value) / top) * height * 8);
			line += BLOCKS[Math.max(0, Math.min(8, level - below))];
		}
		lines.push(line);
	}
	return lines;
}

/** Props of Chart. */
export interface ChartProps {
	/** Shown above the chart with the latest value. */
	title: string;
	values: ArrayLike<number>;
	width: number;
	/** Rows of the chart, the title not included. */
	height: number;
	max?: number;
	style: Style;
	titleStyle: Style;
}

/** Draws the title line and the chart, height + 1 lines. */
export function Chart({title, values, width, height, max, style, titleStyle}: ChartProps) {
	const lines = chartLines(values, width, height, max);
	const blank = lines.map(() => ' '.repeat(width)).join('\n');
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end" {...titleStyle}>
				{padEnd(title, width)}
			</Text>
			<Transform transform={(line, index) => lines[index] ?? line}>
				<Text {...style}>{blank}</Text>
			</Transform>
		</Box>
	);
}
