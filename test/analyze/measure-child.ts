/**
 * Runs one analysis in its own process and prints {result summary, maxRssBytes} as JSON: for tests and the
 * benchmark that bound the analyzer's memory. argv: <limits JSON> <inputs...>.
 */
import {analyzeInputs} from '../../source/analyze/analyze.js';

const limits = JSON.parse(process.argv[2] ?? '{}') as Record<string, number>;
const started = performance.now();
const result = await analyzeInputs(process.argv.slice(3), {limits});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
process.stdout.write(
	JSON.stringify({
		seconds,
		cpuSeconds: (cpu.user + cpu.system) / 1e6,
		maxRssBytes: process.resourceUsage().maxRSS * 1024,
		lines: result.lines,
		problems: result.problems,
		records: result.lines.records,
		plugins: result.plugins.map(row => ({plugin: row.plugin, calls: row.calls, errors: row.errors})),
	}) + '\n',
);
