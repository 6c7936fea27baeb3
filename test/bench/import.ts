/**
 * Part `import` of the core bench section: what `import 'perftop'` costs a host, against pino's import
 * measured in the same run. Every import runs in a fresh child process (plain node, no tsx: the built
 * package, resolved by name as a host resolves it), pino and perftop taking turns in a rotating order, and
 * figures are medians over rounds; each ratio is taken per round (the two imports seconds apart) and its
 * median reported.
 * - host-import-ms: CPU time of `await import('perftop')` over that of `await import('pino')` (process CPU,
 *   every thread: on a shared machine, time spent waiting for a core is not a cost of the import; the wall
 *   times are printed beside it).
 * - host-import-rss: resident memory the import adds, over what pino's import adds.
 * A row shows what the import leaves for later: a monitor that starts a socket and a perf log and samples
 * while watched loads the socket server, pino, pino-roll, pidusage and the system source then.
 */
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {median, type BenchContext, type GoalSpec} from './harness.js';

const root = join(import.meta.dirname, '..', '..');

/** The goals this part reports. */
export const IMPORT_GOALS: readonly GoalSpec[] = [
	{id: 'host-import-ms', limit: 2, unit: 'x'},
	{id: 'host-import-rss', limit: 1.5, unit: 'x'},
];

/**
 * Runs in the child (ESM, `node --input-type=module -e`): imports argv[1] and prints what it cost. With
 * argv[2] === 'start' it then starts a monitor with a socket, a perf log and a watcher, takes one sample and
 * waits for the log file, and prints the cost of all that too (from before the import).
 */
const CHILD = `
const [target, mode] = process.argv.slice(1);
const cpu0 = process.cpuUsage();
const rss0 = process.memoryUsage.rss();
const wall0 = performance.now();
const module = await import(target);
const cpu = process.cpuUsage(cpu0);
const result = {wallMs: performance.now() - wall0, cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage.rss() - rss0};
if (mode === 'start') {
	const {mkdtempSync, existsSync, rmSync} = await import('node:fs');
	const {tmpdir} = await import('node:os');
	const {join} = await import('node:path');
	const dir = mkdtempSync(join(tmpdir(), 'pti-'));
	const monitor = new module.PerformanceMonitor({name: 'import-bench', socket: join(dir, 'h.sock'), log: {dir}, alerts: false});
	await monitor.start({strict: true});
	monitor.setWatchers(1);
	await monitor.samplers.sampleNow();
	const deadline = Date.now() + 10000;
	while (!existsSync(join(dir, 'perf.1.log'))) {
		if (Date.now() > deadline) throw new Error('the perf log did not open');
		await new Promise(resolve => setTimeout(resolve, 2));
	}
	const all = process.cpuUsage(cpu0);
	result.started = {wallMs: performance.now() - wall0, cpuMs: (all.user + all.system) / 1000, rss: process.memoryUsage.rss() - rss0};
	await monitor.stop();
	rmSync(dir, {recursive: true, force: true});
}
process.stdout.write(JSON.stringify(result));
`;

interface Cost {
	wallMs: number;
	cpuMs: number;
	rss: number;
	started?: Omit<Cost, 'started'>;
}

function importCostOnce(target: string, mode: 'import' | 'start'): Cost {
	const output = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, target, mode], {
		cwd: root,
		encoding: 'utf8',
		env: {...process.env, NODE_OPTIONS: ''},
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 60_000,
	});
	return JSON.parse(output) as Cost;
}

/** Measures both imports and reports the rows and the goals (see the file header). */
export async function importCost(context: BenchContext): Promise<void> {
	execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs'), '--build'], {cwd: root, stdio: 'inherit'});
	const rounds = context.quick ? 5 : 2 * context.rounds + 1;
	const subjects: Array<[string, 'import' | 'start']> = [
		['pino', 'import'],
		['perftop', 'import'],
		['perftop', 'start'],
	];
	const costs: Cost[][] = subjects.map(() => []);
	for (let round = 0; round < rounds; round++) {
		for (let turn = 0; turn < subjects.length; turn++) {
			const index = (round + turn) % subjects.length;
			const [target, mode] = subjects[index]!;
			costs[index]!.push(importCostOnce(target, mode));
		}
	}
	const [pino, perftop, started] = costs as [Cost[], Cost[], Cost[]];
	const perRound = (pick: (cost: Cost) => number) => median(perftop.map((cost, round) => pick(cost) / pick(pino[round]!)));
	const mb = (bytes: number) => bytes / 1024 / 1024;
	context.row({name: "import 'pino' (reference): CPU", value: median(pino.map(cost => cost.cpuMs)), unit: 'ms'});
	context.row({name: "import 'pino' (reference): wall", value: median(pino.map(cost => cost.wallMs)), unit: 'ms'});
	context.row({name: "import 'pino' (reference): RSS added", value: mb(median(pino.map(cost => cost.rss))), unit: 'MB'});
	context.row({name: "import 'perftop': CPU", value: median(perftop.map(cost => cost.cpuMs)), unit: 'ms', ratio: perRound(cost => cost.cpuMs)});
	context.row({name: "import 'perftop': wall", value: median(perftop.map(cost => cost.wallMs)), unit: 'ms', ratio: perRound(cost => cost.wallMs)});
	context.row({name: "import 'perftop': RSS added", value: mb(median(perftop.map(cost => cost.rss))), unit: 'MB', ratio: perRound(cost => cost.rss)});
	const ready = started.map(cost => cost.started!);
	const note = 'import, then start with socket + perf log, watched, one sample, log file open';
	context.row({name: "import 'perftop' + start (socket, log, sampling): CPU", value: median(ready.map(cost => cost.cpuMs)), unit: 'ms', note});
	context.row({name: "import 'perftop' + start (socket, log, sampling): RSS added", value: mb(median(ready.map(cost => cost.rss))), unit: 'MB'});
	context.goal({id: 'host-import-ms', measured: perRound(cost => cost.cpuMs), limit: 2, unit: 'x', note: `CPU time of import 'perftop' / import 'pino', fresh processes, median of ${rounds} per-round ratios`});
	context.goal({id: 'host-import-rss', measured: perRound(cost => cost.rss), limit: 1.5, unit: 'x', note: `RSS added by import 'perftop' / by import 'pino', median of ${rounds} per-round ratios`});
}
