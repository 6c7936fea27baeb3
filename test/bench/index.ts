/**
 * `npm run bench [-- --only <section>] [--json <file>] [--compare <earlier.json>] [--rounds N] [--quick]`
 * Runs the benchmark sections side by side in one process (sections that need other processes start them),
 * prints rows and goals, optionally writes {rows, goals} as JSON, and optionally prints each goal's and row's
 * change against an earlier `--json` result (compare.ts). Exits 1 when a goal does not hold (fails, was not
 * measured, or its figure is not valid).
 */
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {cpus} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {compareReports, formatComparison, parseReport} from './compare.js';
import {createContext, settleSection, summarize, type BenchReport, type BenchSection} from './harness.js';

const SECTIONS = ['core', 'cache', 'ipc', 'sampler', 'tui', 'analyze', 'adapters', 'e2e', 'scale'];

function argument(name: string): string | undefined {
	const index = process.argv.indexOf(name);
	return index === -1 ? undefined : process.argv[index + 1];
}

const only = argument('--only');
const jsonPath = argument('--json');
const comparePath = argument('--compare');
const quick = process.argv.includes('--quick');
const rounds = Number(argument('--rounds') ?? (quick ? 3 : 7));
if (only !== undefined && !SECTIONS.includes(only)) {
	console.error(`bench: unknown section '${only}' (sections: ${SECTIONS.join(', ')})`);
	process.exit(2);
}
for (const name of ['--only', '--json', '--compare', '--rounds']) {
	const value = process.argv.includes(name) ? argument(name) : '';
	if (value === undefined || value.startsWith('--')) {
		console.error(`bench: ${name} needs a value`);
		process.exit(2);
	}
}
if (!Number.isInteger(rounds) || rounds < 1) {
	console.error('bench: --rounds takes a whole number >= 1');
	process.exit(2);
}

// Read the earlier result first: a bad path should not cost a whole run.
let earlier: BenchReport | null = null;
if (comparePath !== undefined) {
	try {
		earlier = parseReport(readFileSync(comparePath, 'utf8'));
	} catch (error) {
		console.error(`bench: --compare ${comparePath}: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(2);
	}
}

const here = dirname(fileURLToPath(import.meta.url));
const sections = only ? [only] : SECTIONS;
const report: BenchReport = {startedAt: new Date().toISOString(), node: process.version, cpus: cpus().length, rounds, sections, rows: [], goals: []};
for (const name of sections) {
	const file = join(here, `${name}.ts`);
	let section: BenchSection;
	try {
		if (!existsSync(file)) throw new Error(`${file} is missing`);
		section = ((await import(file)) as {section: BenchSection}).section;
		if (typeof section?.run !== 'function') throw new Error(`${file} exports no section`);
	} catch (error) {
		// Its goals are unknown without the file: one entry stands for all of them, so the run cannot pass.
		console.log(`\n[${name}] could not be loaded: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		createContext(name, report, {rounds, quick}).notMeasured({id: `${name}/*`, limit: Number.NaN, reason: `the section could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): every goal of it`});
		continue;
	}
	console.log(`\n[${section.name}] ${section.description} (medians of ${rounds} rounds)`);
	const context = createContext(section.name, report, {rounds, quick});
	try {
		await section.run(context);
		settleSection(section, context, report);
	} catch (error) {
		// The other sections still run; the goals this one did not reach are reported as not measured.
		console.log(`  section failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		settleSection(section, context, report, error);
	}
}

const failed = report.goals.filter(goal => !goal.holds);
console.log(`\n${summarize(report.goals)}`);
if (earlier) {
	console.log(`\ncompared with ${comparePath} (${earlier.startedAt ?? 'undated'}, node ${earlier.node ?? '?'}, ${earlier.rounds ?? '?'} rounds), sections ${sections.join(', ')}:`);
	for (const line of formatComparison(compareReports(earlier, report))) console.log(line);
}
if (jsonPath) {
	writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
	console.log(`wrote ${jsonPath}`);
}
process.exitCode = failed.length > 0 ? 1 : 0;
