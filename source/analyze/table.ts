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
	/** Longest content before truncation with an ellipsis (default 40). */
	max?: number;
}

/** Renders rows as an aligned text table; an empty list gives one line saying so. */
export function table<Row>(rows: Row[], columns: Array<Column<Row>>, empty = '(none)'): string {
	if (rows.length === 0) return `  ${empty}\n`;
	const cells = rows.map(row => columns.map(column => clip(column.value(row), column.max ?? 40)));
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

function clip(text: string, max: number): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
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
