/**
 * Bench section `tui`: what watching costs on the operator's side. Everything runs React's production build,
 * as the CLI does.
 * - tui-frame-ms: a full frame with 200 plugins at 200x60 (and 80x24): FakeConnection.send(snapshot) on the
 *   mounted <App> until Ink has written the frame to a fake TTY (reducer, React render and commit, Yoga layout,
 *   frame assembly, log-update write), in a child process (tui-frames.ts) with colours on. The goal is on the
 *   median CPU time of those frames (process.cpuUsage over the frame): on this shared 2-core machine the wall
 *   time also counts the time spent waiting for a core; the wall medians are printed beside it. A one-line
 *   frame is the reference; Ink's own frame assembly (without fast-output.ts) is printed for comparison.
 * - tui-cpu: CPU of the real perftop process (the build: node dist/cli.js, in tmux at 200x60) attached at 1 Hz
 *   to a host in this process serving 200 plugins, from /proc/<pid>/stat over 20 s (8 s with --quick).
 * - tui-rss: RSS of that same process, the median of one reading a second over those 20 s (the heap's
 *   collections move it up and down by a few MB; the largest reading is printed beside it).
 * - tui-rss-over-ink-floor: that RSS minus the ink floor, the RSS of a process that only imports react and ink
 *   (production build, as the live view loads them), a few seconds after; the median of three such processes
 *   started in the same run. Node, Ink and React cost what they cost: this is what perftop adds to them.
 * Where tmux or /proc is missing, the three live goals are reported as not measured.
 * PERFTOP_BENCH_TUI=frames or =live runs one half (while working on it); the other half's goals are then
 * reported as not measured.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {PerformanceMonitor} from '../../source/index.js';
import {hasTmux, startTmux} from '../helpers/tmux.js';
import {measurePart, median, type BenchContext, type BenchSection, type GoalSpec} from './harness.js';
import {procCpuTicks, procRss, ticksPerSecond} from './proc.js';

const root = join(import.meta.dirname, '..', '..');

interface FrameRun {
	react: string;
	/** Median wall time per round, ms. */
	roundMedians: number[];
	/** Median CPU time per round, ms. */
	cpuMedians: number[];
	reference: number[];
	samples: number;
	bytesPerFrame: number;
	heapGrowthPer1000Frames: number | null;
}

function frameTimes(context: BenchContext, width: number, height: number, options: {inkAssembly?: boolean; rounds?: number} = {}): {wall: number; cpu: number; reference: number; bytes: number; heapGrowth: number | null} {
	const frames = context.quick ? 30 : 80;
	const rounds = options.rounds ?? context.rounds;
	const output = execFileSync(
		process.execPath,
		['--expose-gc', '--import', 'tsx', '--conditions=source', join(import.meta.dirname, 'tui-frames.ts'), String(width), String(height), String(frames), String(rounds), '200', options.inkAssembly ? '0' : '1'],
		{cwd: root, encoding: 'utf8', env: {...process.env, NODE_ENV: 'production', CI: 'false', FORCE_COLOR: '1'}, stdio: ['ignore', 'pipe', 'ignore'], timeout: 300_000},
	);
	const run = JSON.parse(output.trim().split('\n').at(-1)!) as FrameRun;
	if (run.react !== 'production') throw new Error('tui bench: the frame timer did not run production React');
	return {wall: median(run.roundMedians), cpu: median(run.cpuMedians), reference: median(run.reference), bytes: run.bytesPerFrame, heapGrowth: run.heapGrowthPer1000Frames};
}

const FRAME_GOALS: readonly GoalSpec[] = [{id: 'tui-frame-ms', limit: 8, unit: ' ms'}];
const LIVE_GOALS: readonly GoalSpec[] = [
	{id: 'tui-cpu', limit: 3, unit: ' %'},
	{id: 'tui-rss', limit: 100, unit: ' MB'},
	{id: 'tui-rss-over-ink-floor', limit: 15, unit: ' MB'},
];

/** Runs in the floor process: React (production) and Ink imported, nothing else; prints RSS after a while. */
const INK_FLOOR = `
process.env.NODE_ENV = 'production';
await import('react');
await import('ink');
setTimeout(() => process.stdout.write(String(process.memoryUsage.rss())), 3000);
`;

/** RSS of a process that only imports react and ink (see the file header), bytes. */
function inkFloorRss(): number {
	const output = execFileSync(process.execPath, ['--input-type=module', '-e', INK_FLOOR], {cwd: root, encoding: 'utf8', env: {...process.env, NODE_OPTIONS: ''}, timeout: 60_000});
	return Number(output.trim());
}

interface LiveCost {
	cpuPercent: number;
	/** RSS readings, one a second, bytes. */
	rss: number[];
}

async function liveCost(context: BenchContext): Promise<LiveCost | string> {
	if (!hasTmux()) return 'tmux is not installed';
	if (procRss(process.pid) === null) return '/proc cannot be read here';
	const dir = mkdtempSync(join(tmpdir(), 'ptb-'));
	const socket = join(dir, 'h.sock');
	const monitor = new PerformanceMonitor({name: 'bench-200', socket, samplers: false, alerts: false});
	const calls = Array.from({length: 200}, (_, index) => monitor.wrap((n: number) => n * 2, {op: 'handle', plugin: `plugin-${String(index).padStart(3, '0')}`, kind: 'hook'}));
	const load = setInterval(() => {
		for (const call of calls) for (let i = 0; i < 20; i++) call(i);
	}, 50);
	await monitor.start({strict: true});
	execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs'), '--build'], {cwd: root, stdio: 'inherit'});
	const tui = startTmux(null, [process.execPath, join(root, 'dist', 'cli.js'), '--attach', socket, '--interval', '1000'], {width: 200, height: 60, cwd: root, env: {CI: 'false'}});
	try {
		const deadline = Date.now() + 30_000;
		while (!/plugin-\d{3}/.test(tui.capture())) {
			if (Date.now() > deadline) throw new Error(`tui bench: no plugins on screen:\n${tui.capture()}`);
			await new Promise(resolve => setTimeout(resolve, 200));
		}
		// Let start-up work settle before measuring.
		await new Promise(resolve => setTimeout(resolve, 3000));
		const pid = tui.panePid();
		if (pid === null) throw new Error('tui bench: perftop exited');
		const seconds = context.quick ? 8 : 20;
		const startTicks = procCpuTicks(pid);
		const start = performance.now();
		const rss: number[] = [];
		for (let second = 1; second <= seconds; second++) {
			await new Promise(resolve => setTimeout(resolve, start + second * 1000 - performance.now()));
			const reading = procRss(pid);
			if (reading === null) throw new Error('tui bench: perftop exited while measured');
			rss.push(reading);
		}
		const endTicks = procCpuTicks(pid);
		const wall = (performance.now() - start) / 1000;
		if (startTicks === null || endTicks === null) throw new Error('tui bench: perftop exited while measured');
		return {cpuPercent: ((endTicks - startTicks) / ticksPerSecond() / wall) * 100, rss};
	} finally {
		tui.kill();
		clearInterval(load);
		await monitor.stop();
		rmSync(dir, {recursive: true, force: true});
	}
}

async function frameGoals(context: BenchContext): Promise<void> {
	const small = frameTimes(context, 80, 24);
	const large = frameTimes(context, 200, 60);
	const inkOwn = frameTimes(context, 200, 60, {inkAssembly: true, rounds: Math.min(3, context.rounds)});
	context.row({name: 'one-line frame rerender (reference, wall)', value: large.reference, unit: 'ms'});
	context.row({name: 'full 80x24 frame, 200 plugins: CPU', value: small.cpu, unit: 'ms'});
	context.row({name: 'full 80x24 frame, 200 plugins: wall', value: small.wall, unit: 'ms', ratio: small.wall / small.reference});
	context.row({name: 'full 200x60 frame, 200 plugins: CPU', value: large.cpu, unit: 'ms'});
	context.row({name: 'full 200x60 frame, 200 plugins: wall', value: large.wall, unit: 'ms', ratio: large.wall / large.reference, note: `${Math.round(large.bytes)} B written per frame`});
	context.row({name: "full 200x60 frame with Ink's own assembly/measure: CPU", value: inkOwn.cpu, unit: 'ms', ratio: inkOwn.cpu / large.cpu, note: 'ratio: to the frame above'});
	context.goal({id: 'tui-frame-ms', measured: large.cpu, limit: 8, unit: ' ms', note: 'median CPU time of a full 200x60 frame, 200 plugins, snapshot to frame written'});
}

async function liveGoals(context: BenchContext): Promise<void> {
	const live = await liveCost(context);
	if (typeof live === 'string') {
		for (const goal of LIVE_GOALS) context.notMeasured({...goal, reason: `${live}: the live perftop cannot be run`});
		return;
	}
	const floor = median([inkFloorRss(), inkFloorRss(), inkFloorRss()]);
	const mb = (bytes: number) => bytes / 1024 / 1024;
	const rss = median(live.rss);
	context.row({name: 'perftop CPU at 1 Hz, 200 plugins (node dist/cli.js, 200x60)', value: live.cpuPercent, unit: '%core'});
	context.row({name: 'perftop RSS, median of one reading a second (node dist/cli.js)', value: mb(rss), unit: 'MB'});
	context.row({name: 'perftop RSS, largest reading', value: mb(Math.max(...live.rss)), unit: 'MB'});
	context.row({name: 'ink floor: RSS of a process importing react and ink only', value: mb(floor), unit: 'MB', note: 'median of 3 processes'});
	context.goal({id: 'tui-cpu', measured: live.cpuPercent, limit: 3, unit: ' %', note: 'one core, /proc/<pid>/stat'});
	context.goal({id: 'tui-rss', measured: mb(rss), limit: 100, unit: ' MB', note: `node dist/cli.js, median of ${live.rss.length} readings`});
	context.goal({id: 'tui-rss-over-ink-floor', measured: mb(rss - floor), limit: 15, unit: ' MB', note: 'perftop RSS minus the ink floor, same run'});
}

/** The `tui` bench section. */
export const section: BenchSection = {
	name: 'tui',
	description: 'TUI frame time with 200 plugins (production React), and CPU/RSS of a live perftop (dist build) at 1 Hz',
	goals: [...FRAME_GOALS, ...LIVE_GOALS],
	async run(context) {
		const only = process.env['PERFTOP_BENCH_TUI'];
		const parts: Array<[string, (context: BenchContext) => Promise<void>, readonly GoalSpec[]]> = [
			['frames', frameGoals, FRAME_GOALS],
			['live', liveGoals, LIVE_GOALS],
		];
		for (const [name, part, goals] of parts) {
			if (only === undefined || only === name) await measurePart(context, goals, part);
			else for (const goal of goals) context.notMeasured({...goal, reason: `PERFTOP_BENCH_TUI=${only} left this part out`});
		}
	},
};
