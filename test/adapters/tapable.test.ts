/**
 * perftop/tapable on the real tapable package: every tap type is timed to completion and recorded under its
 * tap name, HookMaps are covered, overlapping calls count once in busy time, and undo gives the hooks back.
 * Timing checks use sleeps of 25 ms or more and a 10 % tolerance against the time measured inside the tap.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import tapable from 'tapable';
import {PerformanceMonitor} from 'perftop';
import {instrumentTapable} from 'perftop/tapable';
import {runReadmeExample} from '../helpers/readme-example.js';

const SLEEP_MS = 25;
const TOLERANCE = 0.1;

function newMonitor(options: {enabled?: boolean} = {}): PerformanceMonitor {
	return new PerformanceMonitor({samplers: false, alerts: false, ...options});
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Blocks the thread for `ms` (a sync tap that takes time). */
function block(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The (op, plugin) series as plain data, or undefined. */
function series(monitor: PerformanceMonitor, plugin: string, op: string) {
	return monitor.getPluginPerformance(plugin)?.hooks.find(hook => hook.op === op);
}

/** Asserts that `recordedMs` is within 10 % of `measuredMs`, and that the measured time covers the sleep. */
function assertClose(recordedMs: number, measuredMs: number, sleptMs: number, what: string): void {
	assert.ok(measuredMs >= sleptMs - 1, `${what}: measured ${measuredMs} ms inside the tap for a ${sleptMs} ms sleep`);
	assert.ok(Math.abs(recordedMs - measuredMs) <= measuredMs * TOLERANCE, `${what}: recorded ${recordedMs.toFixed(2)} ms, measured ${measuredMs.toFixed(2)} ms inside the tap`);
}

describe('instrumentTapable', () => {
	test('a sync tap is timed to its return, within 10 %', () => {
		const monitor = newMonitor();
		const hook = new tapable.SyncHook<[number]>(['n']);
		let measured = 0;
		hook.tap('blocker', () => {
			const start = nowMs();
			block(SLEEP_MS);
			measured += nowMs() - start;
		});
		instrumentTapable(monitor, {compile: hook});
		for (let index = 0; index < 3; index++) hook.call(index);
		const recorded = series(monitor, 'blocker', 'compile');
		assert.equal(recorded?.count, 3);
		assertClose(recorded.totalMs, measured, 3 * SLEEP_MS, 'sync tap');
	});

	test('a promise tap is timed to its settlement, within 10 %', async () => {
		const monitor = newMonitor();
		const hook = new tapable.AsyncSeriesHook<[number]>(['n']);
		let measured = 0;
		instrumentTapable(monitor, {emit: hook});
		hook.tapPromise('uploader', async () => {
			const start = nowMs();
			await sleep(SLEEP_MS);
			measured += nowMs() - start;
		});
		for (let index = 0; index < 3; index++) await hook.promise(index);
		const recorded = series(monitor, 'uploader', 'emit');
		assert.equal(recorded?.count, 3);
		assertClose(recorded.totalMs, measured, 3 * SLEEP_MS, 'promise tap');
	});

	test('a callback tap is timed until its callback, within 10 %, and the taps its callback starts are not charged to it', async () => {
		const monitor = newMonitor();
		const hook = new tapable.AsyncSeriesHook<[number]>(['n']);
		let measured = 0;
		hook.tapAsync('writer', (_n, callback) => {
			const start = nowMs();
			setTimeout(() => {
				measured += nowMs() - start;
				callback();
			}, SLEEP_MS);
		});
		// Runs inside the writer's callback (tapable calls the next tap from it): 40 ms that are not the writer's.
		hook.tap('reporter', () => block(40));
		instrumentTapable(monitor, {afterEmit: hook});
		for (let index = 0; index < 3; index++) await hook.promise(index);
		const writer = series(monitor, 'writer', 'afterEmit');
		assert.equal(writer?.count, 3);
		assertClose(writer.totalMs, measured, 3 * SLEEP_MS, 'callback tap');
		assert.ok((series(monitor, 'reporter', 'afterEmit')?.meanMs ?? 0) >= 39);
	});

	test('errors of every tap type are counted and reach the hook unchanged', async () => {
		const monitor = newMonitor();
		const failure = new Error('tap failed');
		const syncHook = new tapable.SyncHook<[]>([]);
		const promiseHook = new tapable.AsyncSeriesHook<[]>([]);
		const callbackHook = new tapable.AsyncSeriesHook<[]>([]);
		syncHook.tap('thrower', () => {
			throw failure;
		});
		promiseHook.tapPromise('rejecter', () => Promise.reject(failure));
		callbackHook.tapAsync('reporter', callback => setTimeout(() => callback(failure), 1));
		instrumentTapable(monitor, {syncHook, promiseHook, callbackHook});
		assert.throws(() => syncHook.call(), (error: unknown) => error === failure);
		await assert.rejects(promiseHook.promise(), (error: unknown) => error === failure);
		await assert.rejects(callbackHook.promise(), (error: unknown) => error === failure);
		assert.equal(series(monitor, 'thrower', 'syncHook')?.errors, 1);
		assert.equal(series(monitor, 'rejecter', 'promiseHook')?.errors, 1);
		assert.equal(series(monitor, 'reporter', 'callbackHook')?.errors, 1);
	});

	test('every call is attributed to its tap name, for taps added before and after instrumenting', () => {
		const monitor = newMonitor();
		const hooks = {compile: new tapable.SyncHook<[number]>(['n']), done: new tapable.SyncBailHook<[number], number | undefined>(['n'])};
		hooks.compile.tap('EarlyPlugin', () => {});
		instrumentTapable(monitor, hooks, {prefix: 'compiler'});
		hooks.compile.tap('LatePlugin', () => {});
		hooks.done.tap({name: 'LatePlugin', stage: -1}, n => (n > 5 ? n : undefined));
		for (let index = 0; index < 4; index++) hooks.compile.call(index);
		assert.equal(hooks.done.call(7), 7);
		assert.equal(series(monitor, 'EarlyPlugin', 'compiler:compile')?.count, 4);
		assert.equal(series(monitor, 'LatePlugin', 'compiler:compile')?.count, 4);
		assert.equal(series(monitor, 'LatePlugin', 'compiler:done')?.count, 1);
		assert.deepEqual(
			monitor.getPerformanceSummary().plugins.map(plugin => plugin.name).sort(),
			['EarlyPlugin', 'LatePlugin'],
		);
	});

	test('HookMap taps are counted, on hooks the map held before and hooks it creates later', () => {
		const monitor = newMonitor();
		const map = new tapable.HookMap(() => new tapable.SyncBailHook<[string], string | undefined>(['name']));
		map.for('require').tap('Resolver', () => undefined);
		instrumentTapable(monitor, {call: map});
		map.for('import').tap('Resolver', name => `resolved ${name}`);
		map.for('define').tap('Definer', () => undefined);
		map.for('require').call('a');
		map.for('require').call('b');
		assert.equal(map.for('import').call('c'), 'resolved c');
		map.for('define').call('d');
		assert.equal(series(monitor, 'Resolver', 'call')?.count, 3);
		assert.equal(series(monitor, 'Definer', 'call')?.count, 1);
	});

	test('overlapping calls of one plugin count once in its busy time', async () => {
		const monitor = newMonitor();
		const hook = new tapable.AsyncParallelHook<[number]>(['n']);
		hook.tapPromise('fetcher', async () => {
			await sleep(SLEEP_MS);
		});
		instrumentTapable(monitor, {load: hook});
		const start = nowMs();
		await Promise.all(Array.from({length: 10}, (_, index) => hook.promise(index)));
		const wall = nowMs() - start;
		const plugin = monitor.getPluginPerformance('fetcher');
		assert.equal(plugin?.calls.count, 10);
		assert.ok(plugin.calls.totalMs >= 10 * (SLEEP_MS - 1), `summed latency ${plugin.calls.totalMs} ms`);
		assert.ok(plugin.busyMs !== undefined && plugin.busyMs <= wall, `busy ${plugin.busyMs} ms for ${wall} ms of wall time`);
		assert.ok(plugin.busyMs >= SLEEP_MS - 1, `busy ${plugin.busyMs} ms`);
	});

	test('a tap registered again with a function around the timed one (as webpack\'s parser does) is recorded once per call', () => {
		const monitor = newMonitor();
		const hook = new tapable.SyncHook<[number]>(['n']);
		let calls = 0;
		hook.tap('Counter', () => {
			calls++;
		});
		instrumentTapable(monitor, {expression: hook});
		// Move every tap to a new function that calls the old one, keeping its options.
		for (const {fn, type, ...options} of hook.taps.splice(0)) {
			assert.equal(type, 'sync');
			hook.tap(options, (n: number) => (fn as (n: number) => void)(n));
		}
		hook.call(1);
		hook.call(2);
		assert.equal(calls, 2);
		assert.equal(series(monitor, 'Counter', 'expression')?.count, 2);
	});

	test('undo: nothing more is recorded, the taps hold their original functions and the hooks still work', async () => {
		const monitor = newMonitor();
		const hooks = {compile: new tapable.SyncHook<[number]>(['n']), emit: new tapable.AsyncSeriesHook<[number]>(['n']), call: new tapable.HookMap(() => new tapable.SyncHook<[number]>(['n']))};
		const seen: string[] = [];
		const compileTap = (n: number) => void seen.push(`compile ${n}`);
		const emitTap = (n: number, callback: () => void) => {
			seen.push(`emit ${n}`);
			setTimeout(callback, 1);
		};
		const mapTap = (n: number) => void seen.push(`call ${n}`);
		hooks.compile.tap('A', compileTap);
		hooks.emit.tapAsync('A', emitTap);
		hooks.call.for('x').tap('A', mapTap);
		const undo = instrumentTapable(monitor, hooks);
		hooks.compile.call(1);
		await hooks.emit.promise(1);
		hooks.call.for('x').call(1);
		assert.equal(monitor.getPluginPerformance('A')?.calls.count, 3);
		undo();
		assert.equal(hooks.compile.taps[0]?.fn, compileTap);
		assert.equal(hooks.emit.taps[0]?.fn, emitTap);
		assert.equal(hooks.call.for('x').taps[0]?.fn, mapTap);
		hooks.compile.tap('B', () => {});
		hooks.call.for('y').tap('B', () => {});
		hooks.compile.call(2);
		await hooks.emit.promise(2);
		hooks.call.for('x').call(2);
		hooks.call.for('y').call(2);
		assert.equal(monitor.getPluginPerformance('A')?.calls.count, 3);
		assert.equal(monitor.getPluginPerformance('B'), undefined);
		assert.deepEqual(seen, ['compile 1', 'emit 1', 'call 1', 'compile 2', 'emit 2', 'call 2']);
		undo();
	});

	test('undo turns recording off even for a tap another interceptor wrapped again', () => {
		const monitor = newMonitor();
		const hook = new tapable.SyncHook<[]>([]);
		hook.tap('A', () => {});
		const undo = instrumentTapable(monitor, {compile: hook});
		// An interceptor added later replaces the function (ours inside it): it cannot be given back.
		hook.intercept({register: tap => ({...tap, fn: (...args: unknown[]) => (tap.fn as (...args: unknown[]) => unknown)(...args)})});
		hook.call();
		undo();
		hook.call();
		assert.equal(monitor.getPluginPerformance('A')?.calls.count, 1);
	});

	test('a disabled monitor leaves the taps as they are', () => {
		const monitor = newMonitor({enabled: false});
		const hook = new tapable.SyncHook<[]>([]);
		const fn = () => {};
		hook.tap('A', fn);
		instrumentTapable(monitor, {compile: hook});
		hook.tap('B', fn);
		hook.call();
		assert.equal(hook.taps[0]?.fn, fn);
		assert.equal(hook.taps[1]?.fn, fn);
		assert.equal(hook.interceptors.length, 0);
		assert.equal(monitor.getPerformanceSummary().plugins.length, 0);
	});

	test('values that are not hooks are skipped, and getters are never read', () => {
		const monitor = newMonitor();
		const hook = new tapable.SyncHook<[]>([]);
		hook.tap('A', () => {});
		let read = 0;
		const hooks = {
			compile: hook,
			name: 'not a hook',
			count: 3,
			nothing: null,
			get deprecated() {
				read++;
				return hook;
			},
		};
		instrumentTapable(monitor, hooks);
		hook.call();
		assert.equal(read, 0);
		assert.equal(series(monitor, 'A', 'compile')?.count, 1);
		assert.equal(monitor.faults.count, 0);
	});

	test('the readme example runs', async () => {
		const {stdout} = await runReadmeExample('tapable');
		assert.match(stdout, /minify: 1 calls?/);
		assert.match(stdout, /upload: 2 calls?/);
	});
});
