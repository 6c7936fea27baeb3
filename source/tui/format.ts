/**
 * Text formatting for the TUI: fixed-width numbers, durations, sizes, percentages, padding.
 * Every function returns plain strings; `null` (not measured) renders as a dash, never as zero.
 */

/** What a cell shows for a value that is not measured (yet). */
export const NONE = '-';

/** Pads or truncates `text` to exactly `width` columns (left aligned); a cut is marked with `~`. */
export function padEnd(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length > width) return width === 1 ? text.slice(0, 1) : `${text.slice(0, width - 1)}~`;
	return text + ' '.repeat(width - text.length);
}

/** Pads or truncates `text` to exactly `width` columns (right aligned). */
export function padStart(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length > width) return width === 1 ? text.slice(0, 1) : `${text.slice(0, width - 1)}~`;
	return ' '.repeat(width - text.length) + text;
}

/** A duration in ms in at most 5 columns: `0.4us`, `38us`, `1.23`, `12.3`, `123`, `1.23s`, `12.3s`, `2.1m`. */
export function ms(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
	const abs = Math.abs(value);
	if (abs === 0) return '0';
	if (abs < 0.0095) return `${(value * 1000).toFixed(1)}us`;
	if (abs < 0.1) return `${(value * 1000).toFixed(0)}us`;
	if (abs < 10) return value.toFixed(2);
	if (abs < 100) return value.toFixed(1);
	if (abs < 1000) return value.toFixed(0);
	if (abs < 10_000) return `${(value / 1000).toFixed(2)}s`;
	if (abs < 60_000) return `${(value / 1000).toFixed(1)}s`;
	return `${(value / 60_000).toFixed(1)}m`;
}

/** A duration in ms that always carries its unit: `0.4us`, `1.23ms`, `123ms`, `1.23s`, `2.1m` (a dash when not measured). */
export function msWithUnit(value: number | null | undefined): string {
	const text = ms(value);
	return text === NONE || /[a-z]$/.test(text) ? text : `${text}ms`;
}

const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T'];

/** A byte count in at most 6 columns: `512B`, `12.3K`, `1.50M`, `-2.0M`. */
export function bytes(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
	let scaled = Math.abs(value);
	let unit = 0;
	while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
		scaled /= 1024;
		unit++;
	}
	const sign = value < 0 ? '-' : '';
	const digits = unit === 0 || scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
	return `${sign}${scaled.toFixed(digits)}${BYTE_UNITS[unit]}`;
}

/** A count in at most 6 columns: `999`, `12.3k`, `1.23M`, `4.5G`. */
export function count(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
	const abs = Math.abs(value);
	if (abs < 10_000) return String(Math.round(value));
	if (abs < 1e6) return `${(value / 1e3).toFixed(abs < 1e5 ? 1 : 0)}k`;
	if (abs < 1e9) return `${(value / 1e6).toFixed(abs < 1e7 ? 2 : 1)}M`;
	return `${(value / 1e9).toFixed(1)}G`;
}

/** A rate (per second) in at most 6 columns: `0.5`, `12.3`, `1234`, `12.3k`. */
export function rate(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
	if (value === 0) return '0';
	if (Math.abs(value) < 10) return value.toFixed(1);
	return count(value);
}

/** A ratio 0..1 as a percentage: `0%`, `4.2%`, `42%`, `100%`. */
export function percent(ratio: number | null | undefined): string {
	if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NONE;
	const value = ratio * 100;
	if (value !== 0 && Math.abs(value) < 10) return `${value.toFixed(1)}%`;
	return `${value.toFixed(0)}%`;
}

/** An age in seconds as `3s`, `2m05s`, `1h02m`. */
export function age(milliseconds: number): string {
	const seconds = Math.max(0, Math.floor(milliseconds / 1000));
	if (seconds < 60) return `${seconds}s`;
	if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
	return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
