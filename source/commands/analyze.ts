/**
 * `perftop analyze`: reads perf logs and prints the report (text, --json or --csv), or compares two runs
 * (--compare). Resolves to the exit code; prints, never throws for bad input.
 */
import {analyzeInputs} from '../analyze/analyze.js';
import {compareAnalyses, comparisonText, type ComparedRow} from '../analyze/compare.js';
import {csvCell, csvReport, textReport} from '../analyze/report.js';
import type {AnalysisResult} from '../analyze/result.js';
import {parseTimeBound} from '../analyze/time.js';

/** Options of {@link runAnalyze}, as parsed from the `perftop analyze` command line. */
export interface AnalyzeCommandOptions {
	/** Files, directories and glob patterns. With `compare: true`, exactly two: a and b. */
	inputs: string[];
	since?: string;
	until?: string;
	plugin?: string;
	hook?: string;
	json?: boolean;
	csv?: boolean;
	/** Two inputs to compare (each a file, directory or pattern), or true to compare inputs[0] with inputs[1]. */
	compare?: [string, string] | boolean;
	/** Length of the slowest-calls list (default 10). */
	top?: number;
	/** --compare: p95 increase in percent that counts as a regression (default 10). */
	threshold?: number;
	/** --compare: calls a series needs in both runs (default 20). */
	minCalls?: number;
}

/** Where the command prints; tests pass their own. */
export interface AnalyzeIo {
	out: (text: string) => void;
	err: (text: string) => void;
	now?: () => number;
}

/** Exit codes of `perftop analyze`. */
export const AnalyzeExit = {
	ok: 0,
	regressions: 1,
	usage: 2,
	inputProblem: 3,
	noRecords: 4,
} as const;

/** Flags and exit codes, for `perftop analyze --help`. */
export const analyzeHelp = `Usage
  $ perftop analyze <files|dirs|globs...> [options]
  $ perftop analyze --compare <a> <b> [options]

Reads perftop performance logs (pino JSON lines; rotated sets and .gz files; directories are read for
*.log, *.jsonl, *.ndjson, optionally .gz) and reports per plugin and per hook: calls, errors, p50/p95/p99
and max (merged exactly from the summary histograms), the slowest calls, the alerts timeline and memory
over time. Memory use is bounded whatever the input size.

Options
  --since <time>      Only records at or after <time>: ISO date/time, epoch ms, or a duration ago (30m, 2h, 7d)
  --until <time>      Only records at or before <time> (same forms)
  --plugin <name>     Only this plugin's series, slow calls, alerts and load
  --hook <name>       Only this hook/operation
  --json              Print the analysis as JSON
  --csv               Print the per-plugin and per-hook latency rows as CSV
  --top <n>           Length of the slowest-calls list (default 10)
  --compare <a> <b>   Compare two runs (each a file, directory or pattern); lists p95 regressions
  --threshold <pct>   With --compare: p95 increase counted as a regression, percent (default 10, least ${((2 / 64) * 100).toFixed(1)})
  --min-calls <n>     With --compare: calls a series needs in both runs to be compared (default 20)

Invalid lines (garbage, lines cut at a rotation, unknown schema versions, over-long lines) are counted and
reported, never fatal.

Exit codes
  0  report printed
  1  --compare found at least one regression
  2  usage error (no inputs, bad time, bad number, --json with --csv), or no input names a readable log
     file (missing, a directory without logs, a pattern matching nothing): only the error is printed
  3  an input could not be read completely (missing, unreadable, truncated or corrupt gzip, decompression
     cap reached, directory without logs) while others could; the report covers what could be read
  4  no perftop records found in the inputs
`;

const defaultIo: AnalyzeIo = {out: text => void process.stdout.write(text), err: text => void process.stderr.write(text)};

/** Runs the command; resolves to the exit code. */
export async function runAnalyze(options: AnalyzeCommandOptions, io: AnalyzeIo = defaultIo): Promise<number> {
	const usage = (message: string) => {
		io.err(`perftop analyze: ${message}\nRun 'perftop analyze --help' for usage.\n`);
		return AnalyzeExit.usage;
	};
	if (options.json && options.csv) return usage('--json and --csv cannot be used together');
	const now = io.now?.() ?? Date.now();
	const filters: {since?: number; until?: number; plugin?: string; hook?: string} = {};
	for (const name of ['since', 'until'] as const) {
		const text = options[name];
		if (text === undefined) continue;
		const parsed = parseTimeBound(text, now);
		if (typeof parsed !== 'number') return usage(`--${name}: ${parsed.error}`);
		filters[name] = parsed;
	}
	if (filters.since !== undefined && filters.until !== undefined && filters.since > filters.until) return usage('--since is after --until');
	if (options.plugin !== undefined) filters.plugin = options.plugin;
	if (options.hook !== undefined) filters.hook = options.hook;
	const top = options.top ?? 10;
	if (!Number.isInteger(top) || top < 0) return usage('--top needs a whole number >= 0');
	if (options.threshold !== undefined && !(options.threshold > 0 && Number.isFinite(options.threshold))) return usage('--threshold needs a positive percentage');
	if (options.minCalls !== undefined && !(Number.isInteger(options.minCalls) && options.minCalls >= 1)) return usage('--min-calls needs a whole number >= 1');

	if (options.compare) {
		const pair = Array.isArray(options.compare) ? options.compare : options.inputs;
		if (pair.length !== 2) return usage('--compare needs exactly two inputs: <a> <b>');
		const [a, b] = pair as [string, string];
		const [before, after] = [await analyzeInputs([a], {filters, top}), await analyzeInputs([b], {filters, top})];
		const unreadable = [before, after].filter(nothingRead);
		if (unreadable.length > 0) return nothingToRead(unreadable.flatMap(result => result.problems), io);
		for (const [name, result] of [[a, before], [b, after]] as const) for (const problem of result.problems) io.err(`warning: ${name}: ${problem}\n`);
		if (before.lines.records === 0 || after.lines.records === 0) {
			io.err(`perftop analyze: no perftop records in ${before.lines.records === 0 ? a : b}\n`);
			return before.problems.length + after.problems.length > 0 ? AnalyzeExit.inputProblem : AnalyzeExit.noRecords;
		}
		const comparison = compareAnalyses(before, after, {threshold: options.threshold === undefined ? undefined : options.threshold / 100, minCalls: options.minCalls});
		if (options.json) io.out(JSON.stringify({...comparison, a: summaryOf(a, before), b: summaryOf(b, after)}, null, 2) + '\n');
		else if (options.csv) io.out(comparisonCsv(comparison.regressions, comparison.improvements));
		else io.out(comparisonText(comparison, [a, b]));
		if (comparison.regressions.length > 0) return AnalyzeExit.regressions;
		return before.problems.length + after.problems.length > 0 ? AnalyzeExit.inputProblem : AnalyzeExit.ok;
	}

	if (options.inputs.length === 0) return usage('no inputs: name log files, directories or patterns');
	const result = await analyzeInputs(options.inputs, {filters, top});
	if (nothingRead(result)) return nothingToRead(result.problems, io);
	if (options.json) io.out(JSON.stringify(result, null, 2) + '\n');
	else if (options.csv) io.out(csvReport(result));
	else io.out(textReport(result));
	if (options.json || options.csv) for (const problem of result.problems) io.err(`warning: ${problem}\n`);
	if (result.problems.length > 0) return AnalyzeExit.inputProblem;
	if (result.lines.records === 0) {
		io.err('perftop analyze: no perftop records found in the inputs\n');
		return AnalyzeExit.noRecords;
	}
	return AnalyzeExit.ok;
}

/** No input named a file that could be opened: there is no report to print, only what was wrong. */
function nothingRead(result: AnalysisResult): boolean {
	return result.inputs.length === 0 && result.problems.length > 0;
}

function nothingToRead(problems: string[], io: AnalyzeIo): number {
	for (const problem of problems) io.err(`perftop analyze: ${problem}\n`);
	return AnalyzeExit.usage;
}

function summaryOf(name: string, result: AnalysisResult) {
	return {name, inputs: result.inputs, problems: result.problems, lines: result.lines, span: result.span};
}

function comparisonCsv(regressions: ComparedRow[], improvements: ComparedRow[]): string {
	const rows = ['verdict,level,plugin,hook,callsA,callsB,p95AMs,p95BMs,change'];
	for (const [verdict, list] of [['regression', regressions], ['improvement', improvements]] as const) {
		for (const row of list) rows.push([verdict, row.level, row.plugin, row.op, row.callsBefore, row.callsAfter, row.p95BeforeMs, row.p95AfterMs, row.change].map(csvCell).join(','));
	}
	return rows.join('\n') + '\n';
}
