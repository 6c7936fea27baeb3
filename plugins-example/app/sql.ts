/**
 * SQL statement text normalized for use as an operation name: comments dropped, literals replaced by `?`,
 * whitespace collapsed, IN-lists folded. Parameter values never reach the name, so a series per statement
 * shape stays bounded and no customer data ends up in metrics or logs.
 */

const MAX_LENGTH = 160;

/** Returns the normalized form of `sql` (at most 160 characters). */
export function normalizeSql(sql: string): string {
	let text = sql
		.replace(/--[^\n]*/g, ' ')
		.replace(/\/\*[\s\S]*?\*\//g, ' ')
		.replace(/\bx'[0-9a-f]*'/gi, '?')
		.replace(/'(?:[^']|'')*'/g, '?')
		.replace(/\?\d+/g, '?')
		.replace(/(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])/gi, '?')
		.replace(/(?<![\w])[:@$][A-Za-z_]\w*/g, '?')
		.replace(/\s+/g, ' ')
		.replace(/\(\s*\?(?:\s*,\s*\?)*\s*\)/g, '(?)')
		.replace(/\(\s+/g, '(')
		.replace(/\s+\)/g, ')')
		.replace(/\s*,\s*/g, ', ')
		.trim();
	text = text.replace(/;$/, '').trim();
	return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
