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
 * - tui-rss: RSS of that same process at the end.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {PerformanceMonitor} from '../../source/index.js';
import {hasTmux, startTmux} from '../helpers/tmux.js';
import {median, type BenchContext, type BenchSection} from './harness.js';

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

function procTicks(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[11]) + Number(fields[12]);
}

function procRss(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(match?.[1] ?? Number.NaN) * 1024;
}

async function liveCost(context: BenchContext): Promise<{cpuPercent: number; rss: number} | null> {
	if (!hasTmux() || process.platform !== 'linux') {
		context.log('tmux or /proc not available: tui-cpu and tui-rss skipped');
		return null;
	}
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
		const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;
		const seconds = context.quick ? 8 : 20;
		const startTicks = procTicks(pid);
		const start = performance.now();
		await new Promise(resolve => setTimeout(resolve, seconds * 1000));
		const cpuSeconds = (procTicks(pid) - startTicks) / ticksPerSecond;
		const wall = (performance.now() - start) / 1000;
		return {cpuPercent: (cpuSeconds / wall) * 100, rss: procRss(pid)};
	} finally {
		tui.kill();
		clearInterval(load);
		await monitor.stop();
		rmSync(dir, {recursive: true, force: true});
	}
}

/** The `tui` bench section. */
export const section: BenchSection = {
	name: 'tui',
	description: 'TUI frame time with 200 plugins (production React), and CPU/RSS of a live perftop (dist build) at 1 Hz',
	async run(context) {
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
		const live = await liveCost(context);
		if (live) {
			context.row({name: 'perftop CPU at 1 Hz, 200 plugins (node dist/cli.js, 200x60)', value: live.cpuPercent, unit: '%core'});
			context.row({name: 'perftop RSS at the end (node dist/cli.js)', value: live.rss / 1024 / 1024, unit: 'MB'});
			context.goal({id: 'tui-cpu', measured: live.cpuPercent, limit: 3, unit: ' %', note: 'one core, /proc/<pid>/stat'});
			context.goal({id: 'tui-rss', measured: live.rss / 1024 / 1024, limit: 80, unit: ' MB', note: 'node dist/cli.js'});
		}
	},
};
