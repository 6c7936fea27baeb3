/**
 * Bench section `analyze`: throughput of `perftop analyze` on a generated perf log (MB/s, 10^6 bytes),
 * its peak RSS on a 1 GiB log (in a child process), and the same per-plugin summary computed by a jq
 * pipeline on the same file, interleaved round by round (rows: jq is no bar to hold a goal against). Data is generated in os.tmpdir() and deleted afterwards.
 */
import {execFile, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {generateLog} from '../analyze/generate.js';
import {median, type BenchSection} from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const MiB = 1024 * 1024;
const JQ = '/usr/bin/jq';

/**
 * Per plugin: calls, errors, max and the p95 bucket from the merged histograms: what analyze computes.
 * jq spends most of its time merging the histograms (see the jq rows for its speed), so this comparison runs
 * on a small file; a counts-only jq reduce is measured on the large file as jq's parsing floor.
 */
const JQ_PROGRAM = `
reduce (inputs | select(.perftop == 1 and .ev == "summary")) as $r ({};
  ($r.plugin // "-") as $p
  | .[$p].calls += $r.count | .[$p].errors += $r.errors
  | .[$p].max = ([(.[$p].max // 0), $r.maxMs] | max)
  | .[$p].h as $h0
  | .[$p].h = (reduce range(0; ($r.h | length); 2) as $i (($h0 // []); .[$r.h[$i]] += $r.h[$i + 1])))
| with_entries(.value |= (. as $v | ($v.calls * 0.95 | ceil) as $rank
    | {calls: $v.calls, errors: $v.errors, max: $v.max,
       p95bucket: (reduce range(0; ($v.h | length)) as $i ({seen: 0, at: null};
         if .at == null and $v.h[$i] != null then (.seen += $v.h[$i] | if .seen >= $rank then .at = $i else . end) else . end) | .at)}))
`;
const JQ_COUNTS = 'reduce (inputs | select(.perftop == 1 and .ev == "summary")) as $r ({}; .[$r.plugin // "-"].calls += $r.count)';

interface ChildRun {
	seconds: number;
	/** CPU time of the whole child (every thread), start-up included. */
	cpuSeconds: number;
	maxRssBytes: number;
	plugins: Array<{plugin: string; calls: number}>;
}

/**
 * Compiles the analyzer (and its measuring entry) to plain JS in `outDir`, so the child runs as the shipped
 * CLI would: without the tsx loader, which alone adds tens of MiB of RSS.
 */
async function compileChild(outDir: string): Promise<string> {
	await promisify(execFile)(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--ignoreConfig', '--outDir', outDir, '--rootDir', root, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--skipLibCheck', '--types', 'node', join(root, 'test', 'analyze', 'measure-child.ts')], {cwd: root});
	writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
	return join(outDir, 'test', 'analyze', 'measure-child.js');
}

async function analyzeChild(entry: string, path: string): Promise<ChildRun> {
	const started = performance.now();
	const {stdout} = await promisify(execFile)(process.execPath, [entry, '{}', path], {cwd: root, maxBuffer: 16 * MiB});
	return {...(JSON.parse(stdout) as ChildRun), seconds: (performance.now() - started) / 1000};
}

async function jqRun(path: string, program = JQ_PROGRAM): Promise<{seconds: number; output: Record<string, {calls: number}>}> {
	const started = performance.now();
	const child = spawn(JQ, ['-n', '-c', program, path], {stdio: ['ignore', 'pipe', 'inherit']});
	let output = '';
	child.stdout.on('data', chunk => (output += String(chunk)));
	const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
	if (code !== 0) throw new Error(`jq exited with ${code}`);
	return {seconds: (performance.now() - started) / 1000, output: JSON.parse(output) as Record<string, {calls: number}>};
}

export const section: BenchSection = {
	name: 'analyze',
	description: 'perftop analyze: MB/s on a generated perf log, peak RSS on 1 GiB, vs a jq pipeline',
	goals: [
		{id: 'analyze-mbps', limit: 100, direction: 'min', unit: ' MB/s'},
		{id: 'analyze-peak-rss', limit: 100, unit: ' MiB'},
	],
	async run(ctx) {
		const dir = mkdtempSync(join(tmpdir(), 'pt-bench-an-'));
		try {
			const entry = await compileChild(join(dir, 'js'));
			const throughputBytes = (ctx.quick ? 32 : 128) * MiB;
			const jqBytes = (ctx.quick ? 1 : 4) * MiB;
			const rssBytes = (ctx.quick ? 128 : 1024) * MiB;
			if (ctx.quick) ctx.log(`--quick: ${throughputBytes / MiB} MiB for throughput, ${jqBytes / MiB} MiB vs jq, ${rssBytes / MiB} MiB (not 1 GiB) for peak RSS`);
			const haveJq = existsSync(JQ);

			// Throughput: wall time of the whole child (start-up included), medians over rounds.
			const medium = join(dir, 'perf.log');
			const generated = await generateLog(medium, {bytes: throughputBytes});
			// Throughput in MB/s (10^6 bytes, the goal's unit) and MiB/s, medians over rounds.
			const mbps: number[] = [];
			const perCpu: number[] = [];
			for (let round = 0; round < ctx.rounds; round++) {
				const ours = await analyzeChild(entry, medium);
				for (const row of ours.plugins) if (row.calls !== generated.calls.get(row.plugin)) throw new Error(`analyze miscounted ${row.plugin}`);
				mbps.push(generated.bytes / 1e6 / ours.seconds);
				perCpu.push(generated.bytes / 1e6 / ours.cpuSeconds);
			}
			ctx.log(`rounds (MB/s): ${mbps.map(value => value.toFixed(0)).join(' ')}`);
			ctx.row({name: `analyze, ${(generated.bytes / MiB).toFixed(0)} MiB generated log (child process, start-up included)`, value: median(mbps), unit: 'MB/s', note: `${((median(mbps) * 1e6) / MiB).toFixed(1)} MiB/s`});
			ctx.row({name: 'same, per CPU-second of the child (less sensitive to a busy machine)', value: median(perCpu), unit: 'MB/s', note: `rounds ${perCpu.map(value => value.toFixed(0)).join(' ')}`});
			ctx.goal({id: 'analyze-mbps', measured: median(mbps), limit: 100, direction: 'min', unit: ' MB/s', note: 'MB = 10^6 bytes'});
			if (haveJq) {
				const floor = await jqRun(medium, JQ_COUNTS);
				ctx.row({name: 'jq reduce, counts only (no percentiles), same file, 1 run', value: generated.bytes / 1e6 / floor.seconds, unit: 'MB/s', note: 'jq parsing floor'});
			}
			rmSync(medium, {force: true});

			// Against jq computing the same per-plugin summary (percentiles from merged histograms), interleaved.
			if (haveJq) {
				const small = join(dir, 'small.log');
				const sample = await generateLog(small, {bytes: jqBytes, seed: 3});
				const ratios: number[] = [];
				const jqMbps: number[] = [];
				for (let round = 0; round < ctx.rounds; round++) {
					const ours = await analyzeChild(entry, small);
					const theirs = await jqRun(small);
					for (const [plugin, calls] of sample.calls) if (theirs.output[plugin]?.calls !== calls) throw new Error(`jq miscounted ${plugin}`);
					jqMbps.push(sample.bytes / 1e6 / theirs.seconds);
					ratios.push(theirs.seconds / ours.seconds);
				}
				ctx.row({name: `jq, same per-plugin summary incl. p95 from merged histograms, ${(sample.bytes / MiB).toFixed(0)} MiB`, value: median(jqMbps), unit: 'MB/s'});
				// A row, not a goal: jq merging histograms is far slower than any analyzer worth the name.
				ctx.row({name: 'jq time / analyze time, same per-plugin summary', value: median(ratios), unit: 'x', note: `on the same ${(sample.bytes / MiB).toFixed(0)} MiB file, per round, analyze start-up included; was the analyze-vs-jq goal (>= 1x)`});
			} else {
				ctx.log(`${JQ} missing: the jq rows are left out`);
			}

			const large = join(dir, 'large.log');
			const big = await generateLog(large, {bytes: rssBytes, seed: 7});
			const run = await analyzeChild(entry, large);
			ctx.row({name: `analyze peak RSS, ${(big.bytes / MiB).toFixed(0)} MiB log (child VmHWM via maxRSS)`, value: run.maxRssBytes / MiB, unit: 'MiB', note: `${(big.bytes / 1e6 / run.seconds).toFixed(0)} MB/s`});
			ctx.goal({id: 'analyze-peak-rss', measured: run.maxRssBytes / MiB, limit: 100, unit: ' MiB', note: ctx.quick ? `on ${rssBytes / MiB} MiB (--quick)` : 'on 1 GiB'});
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	},
};
