/**
 * Adapter bench `hookable`: what instrumentHookable adds to a `callHook` of a hook with three plugins' sync
 * functions, against the same instance bare, measured interleaved in one run. Rows only (the issue sets no goal
 * for hookable): with per-hook-name totals (hookable then builds an event object for every call and runs the
 * two listeners, copying its listener arrays) and without them. hookable's own `createDebugger` is no
 * reference here: it prints through console.time/timeEnd on every call.
 */
import {createHooks} from 'hookable';
import {PerformanceMonitor} from '../../../source/index.js';
import {instrumentHookable} from '../../../source/adapters/hookable.js';
import type {BenchContext} from '../harness.js';
import {compileFresh, interleave, medianAdded, medianOf, type Batch} from '../measure.js';

type Hooks = ReturnType<typeof createHooks>;
type Box = {value: number};

/** The batch loop: `n` calls of the hook; returns a value every call contributed to. */
const LOOP = `(hooks, box) => (n) => {
	for (let i = 0; i < n; i++) hooks.callHook('page:render', i);
	return box.value;
}`;

/** Three plugins' functions, each with its own compiled code. */
function functions(box: Box): Array<(x: number) => void> {
	return [1, 2, 3].map(step => compileFresh<(box: Box) => (x: number) => void>(`(box) => (x) => { box.value += x + ${step}; }`)(box));
}

/** A fresh instance with the three functions registered by `register`, and its batch loop. */
function subject(register: (hooks: Hooks, fns: Array<(x: number) => void>) => void): Batch {
	const box = {value: 0};
	const hooks = createHooks();
	register(hooks, functions(box));
	return compileFresh<(hooks: Hooks, box: Box) => Batch>(LOOP)(hooks, box);
}

/** The `hookable` part of the adapters section (see the file comment). */
export async function run(context: BenchContext): Promise<void> {
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	const plugins = ['sitemap', 'images', 'seo'];
	const scoped = (totals: boolean) => (hooks: Hooks, fns: Array<(x: number) => void>) => {
		const {forPlugin} = instrumentHookable(monitor, hooks, {totals});
		for (const [index, fn] of fns.entries()) forPlugin(plugins[index]!).hook('page:render', fn);
	};
	const times = await interleave(
		{
			bare: subject((hooks, fns) => {
				for (const fn of fns) hooks.hook('page:render', fn);
			}),
			ours: subject(scoped(true)),
			noTotals: subject(scoped(false)),
		},
		{rounds: context.rounds, calls: context.quick ? 20_000 : 50_000, reps: context.quick ? 3 : 5},
	);
	const ref = medianOf(times.bare);
	const row = (name: string, key: keyof typeof times, note?: string) => context.row({name, value: medianOf(times[key]), unit: 'ns', ratio: medianOf(times[key]) / ref, note});
	const added = (key: keyof typeof times) => `+${medianAdded(times[key], times.bare).toFixed(0)} ns per callHook`;
	row('hookable callHook, 3 plugins\' sync functions (bare)', 'bare');
	row('perftop instrumentHookable, per-plugin + per-hook totals', 'ours', added('ours'));
	row('perftop instrumentHookable, per-plugin only ({totals: false})', 'noTotals', added('noTotals'));
}
