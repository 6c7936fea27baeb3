/**
 * Adapter bench `tapable`: what instrumentTapable adds to each tap call, on a tapable SyncHook with one sync
 * tap, against the same hook bare and against the core floor of exact timing (two hrtime.bigint() reads and a
 * histogram record, core.ts's FLOOR_WRAPPER) put around the same tap, all measured interleaved in one run.
 * References: the tap as `monitor.wrap`'s wrapper alone (what the undo switch costs on top), and tapable's own
 * way of timing, an interceptor with `tap`/`done` (one per hook, not per plugin).
 */
import tapable from 'tapable';
import {PerformanceMonitor} from '../../../source/index.js';
import {instrumentTapable} from '../../../source/adapters/tapable.js';
import {BUCKET_COUNT} from '../../../source/protocol/histogram.js';
import {FLOOR_WRAPPER} from '../core.js';
import type {BenchContext, GoalSpec} from '../harness.js';
import {compileFresh, interleave, medianAdded, medianAddedRatio, medianOf, type Batch} from '../measure.js';

type Tap = (x: number) => void;
type Box = {value: number};

/** The batch loop: `n` calls of the hook; returns a value every call contributed to. */
const LOOP = `(hook, box) => (n) => {
	for (let i = 0; i < n; i++) hook.call(i);
	return box.value;
}`;

/** The tap: one store, so that the call cannot be dropped. */
const TAP = '(box) => (x) => { box.value = x + 1; }';

/** Timing as tapable's interceptors allow it: a clock read in `tap`, another and a histogram record in `done`. */
const TIMING_INTERCEPTOR = `(counts) => {
	const clock = process.hrtime.bigint;
	let start = 0n;
	return {
		name: 'timing',
		tap() { start = clock(); },
		done() {
			const ns = Number(clock() - start);
			let index = ns;
			if (ns >= 64) { const shift = 26 - Math.clz32(ns); index = (shift << 5) + (ns >>> shift); }
			counts[index]++;
		},
	};
}`;

interface Subject {
	hook: tapable.SyncHook<[number]>;
	box: Box;
	tap: Tap;
}

/** A SyncHook with one fresh tap (its own compiled code), not yet tapped. */
function subject(): Subject {
	const box = {value: 0};
	return {hook: new tapable.SyncHook<[number]>(['x']), box, tap: compileFresh<(box: Box) => Tap>(TAP)(box)};
}

function loop({hook, box}: Subject): Batch {
	return compileFresh<(hook: unknown, box: Box) => Batch>(LOOP)(hook, box);
}

/** The goal this part reports. */
export const goals: readonly GoalSpec[] = [{id: 'tapable-tap-overhead', limit: 1.25, unit: 'x'}];

/** The `tapable` part of the adapters section (see the file comment). */
export async function run(context: BenchContext): Promise<void> {
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	const counts = new Float64Array(BUCKET_COUNT);

	const bare = subject();
	bare.hook.tap('p1', bare.tap);

	const floor = subject();
	floor.hook.tap('p1', compileFresh<(fn: Tap, counts: Float64Array) => Tap>(FLOOR_WRAPPER)(floor.tap, counts));

	const ours = subject();
	ours.hook.tap('p1', ours.tap);
	instrumentTapable(monitor, {compile: ours.hook});

	const wrapped = subject();
	wrapped.hook.tap('p2', monitor.wrap(wrapped.tap, {op: 'compile', plugin: 'p2', kind: 'hook'}));

	const intercepted = subject();
	intercepted.hook.intercept(compileFresh<(counts: Float64Array) => tapable.HookInterceptor<[number], void>>(TIMING_INTERCEPTOR)(counts));
	intercepted.hook.tap('p1', intercepted.tap);

	const times = await interleave(
		{bare: loop(bare), floor: loop(floor), ours: loop(ours), wrapped: loop(wrapped), intercepted: loop(intercepted)},
		{rounds: context.rounds, calls: context.quick ? 100_000 : 250_000, reps: context.quick ? 3 : 5},
	);
	const recorded = monitor.getPluginPerformance('p1')?.calls.count ?? 0;
	const ref = medianOf(times.bare);
	const row = (name: string, key: keyof typeof times, note?: string) => context.row({name, value: medianOf(times[key]), unit: 'ns', ratio: medianOf(times[key]) / ref, note});
	const added = (key: keyof typeof times) => `+${medianAdded(times[key], times.bare).toFixed(1)} ns`;
	row('tapable SyncHook call, 1 sync tap (bare)', 'bare');
	row('floor: the tap in 2 x hrtime.bigint + JS histogram', 'floor', added('floor'));
	row('perftop instrumentTapable, 1 sync tap', 'ours', added('ours'));
	row('for comparison: the tap as monitor.wrap\'s wrapper (no undo switch)', 'wrapped', added('wrapped'));
	row('for comparison: tapable timing interceptor (tap/done), per hook', 'intercepted', added('intercepted'));
	context.goal({
		id: 'tapable-tap-overhead',
		measured: medianAddedRatio(times.ours, times.floor, times.bare),
		limit: 1.25,
		unit: 'x',
		note: `added ns per instrumented tap call / the floor's added ns, same hook shape; ${recorded} calls recorded`,
	});
}
