/** An htop-style meter: `CPU[|||||||       42.0%]`, the bar coloured by level. */
import {Text} from 'ink';
import {padEnd, padStart} from '../format.js';
import {levelStyle, type Style, type Theme} from '../theme.js';

/** Props of Meter. */
export interface MeterProps {
	label: string;
	/** Fill 0..1, or null when there is nothing to draw (the text says why). */
	ratio: number | null;
	/** Value printed inside the right end of the bar. */
	text: string;
	/** Total width, label included. */
	width: number;
	theme: Theme;
	/** Overrides the level colour of the bar. */
	style?: Style;
	labelWidth?: number;
}

/** The bar's parts: filled, blank and value text, sized to `inner` columns. */
export function meterParts(ratio: number | null, text: string, inner: number): {fill: string; gap: string; value: string} {
	const value = text.length > inner ? text.slice(0, inner) : text;
	const room = inner - value.length;
	const filled = ratio === null || !Number.isFinite(ratio) ? 0 : Math.min(room, Math.max(0, Math.round(ratio * inner)));
	return {fill: '|'.repeat(filled), gap: ' '.repeat(room - filled), value};
}

/** Draws one meter. */
export function Meter({label, ratio, text, width, theme, style, labelWidth = 4}: MeterProps) {
	const inner = Math.max(1, width - labelWidth - 2);
	const parts = meterParts(ratio, text, inner);
	const fillStyle = style ?? levelStyle(theme, ratio ?? 0);
	return (
		<Text>
			<Text {...theme.text.label}>{padEnd(label, labelWidth)}</Text>[<Text {...fillStyle}>{parts.fill}</Text>
			{parts.gap}
			<Text {...(ratio === null ? theme.text.dim : theme.text.normal)}>{padStart(parts.value, parts.value.length)}</Text>]
		</Text>
	);
}
