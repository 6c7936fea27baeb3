/**
 * `--compare <a> <b>`: the p95 of every plugin and hook in run a against run b; a regression is a p95 up
 * by more than the threshold, on series with enough calls in both runs to say so.
 */
import {RELATIVE_ERROR} from '../protocol/histogram.js';
import type {AnalysisResult, LatencyRow} from './result.js';
import {count, ms, table} from './table.js';

/** Options of {@link compareAnalyses}. */
export interface CompareOptions {
	/** Relative p95 increase that counts as a regression (default 0.10 = +10 %). */
	threshold?: number;
	/** Calls a series needs in both runs to be compared (default 20). */
	minCalls?: number;
}

/** One series (or plugin) present in both runs: calls and p95 before and after, and the relative change. */
export interface ComparedRow {
	level: 'plugin' | 'hook';
	plugin: string | null;
	op: string | null;
	callsBefore: number;
	callsAfter: number;
	p95BeforeMs: number;
	p95AfterMs: number;
	/** p95 after / before - 1. */
	change: number;
}

/** The result of comparing two analyses (`perftop analyze --compare a b`): regressions, improvements, and what only one run has. */
export interface Comparison {
	format: 'perftop-comparison';
	version: 1;
	threshold: number;
	minCalls: number;
	/** Series compared (present in both with enough calls). */
	compared: number;
	regressions: ComparedRow[];
	improvements: ComparedRow[];
	/** Series present in only one run, as `plugin/hook`. */
	onlyBefore: string[];
	onlyAfter: string[];
}

/** Two p95 values closer than this (relative) cannot be told apart with the histogram's resolution. */
export const MIN_THRESHOLD = 2 * RELATIVE_ERROR;

const label = (row: LatencyRow) => `${row.plugin ?? '-'}/${row.op ?? '*'}`;

/** Compares run `before` with run `after`: a series whose p95 grew by more than `threshold` (and has at least `minCalls` calls in both) is a regression, one that shrank as much an improvement. */
export function compareAnalyses(before: AnalysisResult, after: AnalysisResult, options: CompareOptions = {}): Comparison {
	const threshold = Math.max(MIN_THRESHOLD, options.threshold ?? 0.1);
	const minCalls = Math.max(1, options.minCalls ?? 20);
	const regressions: ComparedRow[] = [];
	const improvements: ComparedRow[] = [];
	const onlyBefore: string[] = [];
	const onlyAfter: string[] = [];
	let compared = 0;
	const pairs: Array<['plugin' | 'hook', LatencyRow[], LatencyRow[]]> = [
		['plugin', before.plugins, after.plugins],
		['hook', before.hooks, after.hooks],
	];
	for (const [level, rowsBefore, rowsAfter] of pairs) {
		const afterByKey = new Map(rowsAfter.map(row => [label(row), row]));
		const beforeKeys = new Set<string>();
		for (const row of rowsBefore) {
			const key = label(row);
			beforeKeys.add(key);
			const other = afterByKey.get(key);
			if (!other) {
				if (level === 'hook') onlyBefore.push(key);
				continue;
			}
			if (row.calls < minCalls || other.calls < minCalls || row.p95Ms === null || other.p95Ms === null || row.p95Ms <= 0) continue;
			compared++;
			const change = other.p95Ms / row.p95Ms - 1;
			const entry: ComparedRow = {level, plugin: row.plugin, op: row.op, callsBefore: row.calls, callsAfter: other.calls, p95BeforeMs: row.p95Ms, p95AfterMs: other.p95Ms, change};
			if (change > threshold) regressions.push(entry);
			else if (change < -threshold) improvements.push(entry);
		}
		if (level === 'hook') for (const key of afterByKey.keys()) if (!beforeKeys.has(key)) onlyAfter.push(key);
	}
	regressions.sort((a, b) => b.change - a.change);
	improvements.sort((a, b) => a.change - b.change);
	return {format: 'perftop-comparison', version: 1, threshold, minCalls, compared, regressions, improvements, onlyBefore, onlyAfter};
}

/** The comparison as text. */
export function comparisonText(comparison: Comparison, names: [string, string]): string {
	const columns = [
		{title: 'level', value: (row: ComparedRow) => row.level},
		{title: 'plugin', value: (row: ComparedRow) => row.plugin ?? '-'},
		{title: 'hook', value: (row: ComparedRow) => row.op ?? '*'},
		{title: 'calls a', value: (row: ComparedRow) => count(row.callsBefore), align: 'right' as const},
		{title: 'calls b', value: (row: ComparedRow) => count(row.callsAfter), align: 'right' as const},
		{title: 'p95 a ms', value: (row: ComparedRow) => ms(row.p95BeforeMs), align: 'right' as const},
		{title: 'p95 b ms', value: (row: ComparedRow) => ms(row.p95AfterMs), align: 'right' as const},
		{title: 'change', value: (row: ComparedRow) => `${row.change >= 0 ? '+' : ''}${(row.change * 100).toFixed(1)}%`, align: 'right' as const},
	];
	const out: string[] = [];
	out.push(`perftop analyze --compare: a = ${names[0]}, b = ${names[1]}\n`);
	out.push(`threshold: p95 up by more than ${(comparison.threshold * 100).toFixed(1)}%, series with at least ${comparison.minCalls} calls in both; ${comparison.compared} compared\n`);
	out.push(`\nRegressions (${comparison.regressions.length})\n`);
	out.push(table(comparison.regressions, columns, 'no regressions'));
	out.push(`\nImprovements (${comparison.improvements.length})\n`);
	out.push(table(comparison.improvements, columns, 'no improvements'));
	if (comparison.onlyBefore.length > 0) out.push(`\nonly in a: ${comparison.onlyBefore.slice(0, 20).join(', ')}${comparison.onlyBefore.length > 20 ? ', ...' : ''}\n`);
	if (comparison.onlyAfter.length > 0) out.push(`\nonly in b: ${comparison.onlyAfter.slice(0, 20).join(', ')}${comparison.onlyAfter.length > 20 ? ', ...' : ''}\n`);
	return out.join('');
}
