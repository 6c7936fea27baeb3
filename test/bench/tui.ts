/**
 * Bench section `tui`: what watching costs on the operator's side.
 * - tui-frame-ms: median time to render a full 200x60 frame with 200 plugins (ink-testing-library rerender of
 *   <Screen> with a new snapshot each time, reducer included, React's development build as the CLI runs it today),
 *   against a one-line frame as reference; 80x24 as a second row.
 * - tui-cpu: CPU of the real perftop process (tsx-run from source, in tmux at 120x40) attached at 1 Hz to a host
 *   in this process serving 200 plugins, from /proc/<pid>/stat over 20 s (8 s with --quick).
 * - tui-rss: RSS of that same process at the end (tsx-run, so it includes the TypeScript loader).
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {PerformanceMonitor} from '../../source/index.js';
import type {AppState} from '../../source/tui/state/reducer.js';
import {hasTmux, startTmux} from '../helpers/tmux.js';
import {manyPlugins, snapshot} from '../tui/fakes.js';
import {median, type BenchContext, type BenchSection} from './harness.js';

const root = join(import.meta.dirname, '..', '..');

async function frameTimes(context: BenchContext, width: number, height: number): Promise<{frame: number; reference: number}> {
	const [{Text}, {render}, {createElement}, {Screen}, {initialState, reducer}, {monoTheme}] = await Promise.all([
		import('ink'),
		import('ink-testing-library'),
		import('react'),
		import('../../source/tui/components/Screen.js'),
		import('../../source/tui/state/reducer.js'),
		import('../../source/tui/theme.js'),
	]);
	const frames = context.quick ? 40 : 120;
	let state: AppState = reducer(initialState(), {type: 'status', status: {state: 'connected', hello: {v: 1, type: 'hello', protocol: 1, host: snapshot().host, capabilities: [], readonly: false}}, now: 0});
	const snapshots = Array.from({length: 16}, (_, index) => snapshot({plugins: manyPlugins(200, index + 1)}, index + 1));
	const screen = (s: AppState) => createElement(Screen, {state: s, width, height, theme: monoTheme, readonly: false, socket: '/tmp/x.sock'});
	const app = render(screen(state));
	const reference = render(createElement(Text, null, 'x'));
	const frameMedians: number[] = [];
	const referenceMedians: number[] = [];
	for (let round = 0; round < context.rounds; round++) {
		const frameSamples: number[] = [];
		const referenceSamples: number[] = [];
		for (let index = 0; index < frames; index++) {
			const next = snapshots[(round * frames + index) % snapshots.length]!;
			let start = performance.now();
			state = reducer(state, {type: 'snapshot', snapshot: {...next, seq: round * frames + index + 2}, now: index});
			app.rerender(screen(state));
			frameSamples.push(performance.now() - start);
			start = performance.now();
			reference.rerender(createElement(Text, null, `x${index}`));
			referenceSamples.push(performance.now() - start);
		}
		frameMedians.push(median(frameSamples));
		referenceMedians.push(median(referenceSamples));
	}
	if (!/plugin-\d{3}/.test(app.lastFrame() ?? '')) throw new Error('tui bench: the frame shows no plugins');
	app.unmount();
	reference.unmount();
	return {frame: median(frameMedians), reference: median(referenceMedians)};
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
	const tui = startTmux(null, [process.execPath, '--import', 'tsx', '--conditions=source', join(root, 'source', 'cli.tsx'), '--attach', socket, '--interval', '1000'], {width: 120, height: 40, cwd: root, env: {CI: 'false'}});
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
	description: 'TUI frame time with 200 plugins, and CPU/RSS of a live perftop at 1 Hz',
	async run(context) {
		const small = await frameTimes(context, 80, 24);
		const {frame, reference} = await frameTimes(context, 200, 60);
		context.row({name: 'one-line frame rerender (reference)', value: reference, unit: 'ms'});
		context.row({name: 'full 80x24 frame, 200 plugins, new snapshot (reducer + render)', value: small.frame, unit: 'ms', ratio: small.frame / reference});
		context.row({name: 'full 200x60 frame, 200 plugins, new snapshot (reducer + render)', value: frame, unit: 'ms', ratio: frame / reference});
		context.goal({id: 'tui-frame-ms', measured: frame, limit: 8, unit: ' ms', note: 'median full frame, 200 plugins'});
		const live = await liveCost(context);
		if (live) {
			context.row({name: 'perftop CPU at 1 Hz, 200 plugins (tsx-run, 120x40 tmux)', value: live.cpuPercent, unit: '%core'});
			context.row({name: 'perftop RSS at the end (tsx-run)', value: live.rss / 1024 / 1024, unit: 'MB'});
			context.goal({id: 'tui-cpu', measured: live.cpuPercent, limit: 3, unit: ' %', note: 'one core, /proc/<pid>/stat'});
			context.goal({id: 'tui-rss', measured: live.rss / 1024 / 1024, limit: 80, unit: ' MB', note: 'tsx-run process, includes the TypeScript loader'});
		}
	},
};
