/** A one-line sparkline of recent values (gaps for values that were not measured). */
import {Text, Transform} from 'ink';
import type {Style} from '../theme.js';

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The sparkline as text: the last `width` values, scaled from 0 (or the smallest value when it is negative) to
 * `max` (default: the largest value). NaN draws as a space; a list shorter than `width` is padded on the left.
 */
export function sparkline(values: ArrayLike<number>, width: number, max?: number): string {
	if (width <= 0) return '';
	const from = Math.max(0, values.length - width);
	const shown: number[] = [];
	for (let index = from; index < values.length; index++) shown.push(values[index]!);
	let top = max ?? Number.NEGATIVE_INFINITY;
	let bottom = 0;
	for (const value of shown) {
		if (Number.isNaN(value)) continue;
		if (max === undefined && value > top) top = value;
		if (value < bottom) bottom = value;
	}
	const span = top - bottom;
	let out = ' '.repeat(width - shown.length);
	for (const value of shown) {
		if (Number.isNaN(value)) out += ' ';
		else if (!(span > 0)) out += BLOCKS[0];
		else out += BLOCKS[Math.max(0, Math.min(BLOCKS.length - 1, Math.round(((value - bottom) / span) * (BLOCKS.length - 1))))];
	}
	return out;
}

/** Props of Sparkline. */
export interface SparklineProps {
	values: ArrayLike<number>;
	width: number;
	max?: number;
	style: Style;
}

/**
 * Draws sparkline() in the given style, as a text node of its own (not nested in another Text).
 *
 * Ink measures every text it lays out with string-width, which takes microseconds per block character (a
 * header of sparklines cost about a millisecond a frame). So Ink lays out a run of spaces of the same width
 * (measured on string-width's ASCII fast path) and the blocks replace them when the frame is assembled.
 * Nested inside another Text it still draws correctly, without that saving.
 */
export function Sparkline({values, width, max, style}: SparklineProps) {
	const text = sparkline(values, width, max);
	const blank = ' '.repeat(text.length);
	return (
		<Transform transform={line => line.replace(blank, text)}>
			<Text {...style}>{blank}</Text>
		</Transform>
	);
}
