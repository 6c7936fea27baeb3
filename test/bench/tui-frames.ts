/**
 * Frame timer for the `tui` bench section, run in its own process so that React's build (production or
 * development) is chosen by NODE_ENV before React loads, as the CLI does.
 *
 * What one sample times: FakeConnection.send(snapshot) on a mounted <App> rendered by Ink into a fake TTY
 * stdout of the given size (not debug mode, not CI), i.e. the reducer (history, sort, selection), React's
 * render and commit, Yoga layout, Ink's output grid and the log-update write of the frame. Ink renders
 * synchronously here (legacy root, first call of a throttle window); a sample that did not write a frame is
 * an error. Samples are spaced by a few ms so each is a fresh throttle window.
 *
 * Usage: node --expose-gc --import tsx --conditions=source test/bench/tui-frames.ts <width> <height> <frames> <rounds> [plugins] [1|0]
 * (last argument 0: Ink's own frame assembly and text measurement instead of the CLI's).
 * Prints one JSON line: {react, width, height, plugins, roundMedians[] (wall), cpuMedians[], reference[], samples,
 * heapGrowthPer1000Frames (bytes after GC, with --expose-gc), bytesPerFrame}.
 */
import {EventEmitter} from 'node:events';
import {performance} from 'node:perf_hooks';
import {createElement} from 'react';
import {render, Text} from 'ink';
import {App} from '../../source/tui/app.js';
import {installBoundedMeasure} from '../../source/tui/bounded-measure.js';
import {installFastOutput} from '../../source/tui/fast-output.js';
import {colorTheme} from '../../source/tui/theme.js';
import type {Snapshot} from '../../source/protocol/snapshot.js';
import {FakeConnection, manyPlugins, snapshot} from '../tui/fakes.js';

class FakeTty extends EventEmitter {
	readonly isTTY = true;
	bytes = 0;
	writes = 0;
	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		super();
	}
	write(data: string | Uint8Array): boolean {
		this.bytes += data.length;
		this.writes++;
		return true;
	}
}

class FakeStdin extends EventEmitter {
	readonly isTTY = false;
	setEncoding(): void {}
	setRawMode(): void {}
	ref(): void {}
	unref(): void {}
	read(): null {
		return null;
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const immediate = () => new Promise(resolve => setImmediate(resolve));

const [width = 200, height = 60, frames = 120, rounds = 7, pluginCount = 200, fastArg = 1] = process.argv.slice(2).map(Number);
const fast = fastArg === 1;

const stdout = new FakeTty(width, height);
// What the CLI installs (live.tsx); without them (last argument 0), Ink's own assembly and measurement.
if (fast) await Promise.all([installFastOutput(), installBoundedMeasure(stdout)]);
const refOut = new FakeTty(width, height);
const options = (out: FakeTty) => ({stdout: out as unknown as NodeJS.WriteStream, stdin: new FakeStdin() as unknown as NodeJS.ReadStream, stderr: new FakeTty(width, height) as unknown as NodeJS.WriteStream, debug: false, exitOnCtrlC: false, patchConsole: false, maxFps: 1000});

const connection = new FakeConnection();
const app = render(
	createElement(App, {connection, socket: '/tmp/x.sock', width, height, theme: colorTheme, readonly: false, intervalMs: 1000, exportFile: () => '', now: () => 1_000_000}),
	options(stdout),
);
const reference = render(createElement(Text, null, 'x'), options(refOut));
await pause(5);
connection.connected();
// Snapshots arrive as JSON lines: each frame gets freshly parsed objects, as from the client, and (as from a
// live host) numbers no earlier frame had: call counts grow, rates and percentiles move.
const lines = Array.from({length: 16}, (_, index) => JSON.stringify(snapshot({plugins: manyPlugins(pluginCount, index + 1)}, index + 1)));
const parse = (index: number, seq: number): Snapshot => {
	const next = JSON.parse(lines[index % lines.length]!) as Snapshot;
	for (const [position, plugin] of next.plugins.entries()) {
		plugin.calls.count += seq * 7 + position;
		plugin.recent.rate += (seq % 13) / 10;
		if (plugin.calls.p99Ms !== null) plugin.calls.p99Ms += (seq % 17) / 100;
	}
	return {...next, seq};
};
// Warm up: JIT, caches, history rings.
for (let index = 0; index < 30; index++) {
	connection.send(parse(index, index + 1));
	await pause(2);
}
const gc = (globalThis as {gc?: () => void}).gc;
const heapAfterGc = (): number => {
	gc?.();
	return process.memoryUsage().heapUsed;
};
const heapBefore = heapAfterGc();
const roundMedians: number[] = [];
const cpuMedians: number[] = [];
const referenceMedians: number[] = [];
const writesBefore = stdout.writes;
const bytesBefore = stdout.bytes;
let seq = 100;
for (let round = 0; round < rounds; round++) {
	const samples: number[] = [];
	const cpuSamples: number[] = [];
	const referenceSamples: number[] = [];
	for (let index = 0; index < frames; index++) {
		const next = parse(round * frames + index, seq++);
		const writes = stdout.writes;
		let start = performance.now();
		const cpuStart = process.cpuUsage();
		connection.send(next);
		while (stdout.writes === writes) {
			if (performance.now() - start > 5000) throw new Error('tui-frames: a snapshot wrote no frame within 5 s');
			await immediate();
		}
		samples.push(performance.now() - start);
		const cpu = process.cpuUsage(cpuStart);
		cpuSamples.push((cpu.user + cpu.system) / 1000);
		start = performance.now();
		reference.rerender(createElement(Text, null, `x${seq}`));
		referenceSamples.push(performance.now() - start);
		await pause(2);
	}
	roundMedians.push(median(samples));
	cpuMedians.push(median(cpuSamples));
	referenceMedians.push(median(referenceSamples));
}
const total = rounds * frames;
const heapGrowth = gc ? ((heapAfterGc() - heapBefore) / total) * 1000 : null;
app.unmount();
reference.unmount();
process.stdout.write(
	JSON.stringify({
		react: process.env['NODE_ENV'] === 'production' ? 'production' : 'development',
		width,
		height,
		plugins: pluginCount,
		roundMedians,
		cpuMedians,
		fastOutput: fast,
		reference: referenceMedians,
		samples: total,
		heapGrowthPer1000Frames: heapGrowth,
		bytesPerFrame: (stdout.bytes - bytesBefore) / Math.max(1, stdout.writes - writesBefore),
	}) + '\n',
);
process.exit(0);
