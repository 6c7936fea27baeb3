/**
 * Plain-text tables for the analyze report: a header, a rule, right-aligned numbers. Plain text rather
 * than Ink: the report is printed once and is often piped or redirected, and Ink draws nothing with
 * CI=true until exit; a plain table costs no React start-up and keeps analyze free of the TUI.
 */

export interface Column<Row> {
	title: string;
	value: (row: Row) => string;
	/** Numbers align right (default: left). */
	align?: 'left' | 'right';
	/**
	 * Longest content before it is shortened with an ellipsis in the middle (default 40). Values that would
	 * then read alike are given more room, up to their full length, so every row stays distinguishable.
	 */
	max?: number;
}

/** Renders rows as an aligned text table; an empty list gives one line saying so. */
export function table<Row>(rows: Row[], columns: Array<Column<Row>>, empty = '(none)'): string {
	if (rows.length === 0) return `  ${empty}\n`;
	const values = rows.map(row => columns.map(column => column.value(row)));
	const limits = columns.map((column, index) => distinctWidth(values.map(line => line[index]!), column.max ?? 40));
	const cells = values.map(line => line.map((value, index) => middleEllipsis(value, limits[index]!)));
	const widths = columns.map((column, index) => Math.max(column.title.length, ...cells.map(line => line[index]!.length)));
	const render = (values: string[]) =>
		'  ' +
		values
			.map((value, index) => (columns[index]!.align === 'right' ? value.padStart(widths[index]!) : value.padEnd(widths[index]!)))
			.join('  ')
			.trimEnd() +
		'\n';
	return render(columns.map(column => column.title)) + render(widths.map(width => '-'.repeat(width))) + cells.map(render).join('');
}

/**
 * `text` shortened to `max` characters by an ellipsis in the middle, keeping its start and its end (where
 * names such as SQL statements or module paths tend to differ): `SELECT * FROM orders…BY created_at LIMIT ?`.
 */
export function middleEllipsis(text: string, max: number): string {
	if (text.length <= max) return text;
	if (max <= 1) return max === 1 ? '…' : '';
	const head = Math.ceil((max - 1) / 2);
	return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** Characters an ellipsis must save for a widened column to be shortened at all. */
const NEARLY_WHOLE = 8;

/**
 * The smallest width from `max` up at which the middle-ellipsis forms of `texts` are as distinct as the
 * texts themselves (at worst the longest text's length).
 */
function distinctWidth(texts: string[], max: number): number {
	const longest = texts.reduce((length, text) => Math.max(length, text.length), 0);
	const distinct = new Set(texts).size;
	let width = Math.min(max, longest);
	if (width === longest) return width;
	while (width < longest && new Set(texts.map(text => middleEllipsis(text, width))).size < distinct) width = Math.min(longest, width + Math.max(4, Math.ceil(width / 4)));
	// Widened to nearly the full length: an ellipsis would save next to nothing, show the names whole.
	return width !== Math.min(max, longest) && longest - width <= NEARLY_WHOLE ? longest : width;
}

/** Milliseconds for a table cell: 3 significant digits, '-' for none. */
export function ms(value: number | null): string {
	if (value === null || !Number.isFinite(value)) return '-';
	if (value >= 100) return value.toFixed(0);
	if (value >= 10) return value.toFixed(1);
	if (value >= 1) return value.toFixed(2);
	return value.toFixed(3);
}

/** Bytes as MiB with one decimal, '-' for none. */
export function mib(value: number | null): string {
	return value === null || !Number.isFinite(value) ? '-' : (value / 1048576).toFixed(1);
}

/** A fraction as a percentage with one decimal. */
export function percent(value: number | null): string {
	return value === null || !Number.isFinite(value) ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** Epoch ms as an ISO time without milliseconds (UTC). */
export function time(value: number | null): string {
	if (value === null || !Number.isFinite(value)) return '-';
	return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whole numbers with thousands separators. */
export function count(value: number): string {
	return Math.round(value).toLocaleString('en-US');
}
