/**
 * The timing primitives adapters build on (issue 13 §1): startTimer, wrap with a callback, wrapper identity
 * and look, record with a kind, measureLoad, instrument's skips, deep and {handler} objects, busy time and
 * async self time, and a disabled monitor that costs nothing. Sleeps use wall time with generous tolerances
 * (stated at each check); everything else uses a clock that moves only when told to.
 */
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {describe, test} from 'node:test';
import {PerformanceMonitor} from '../../../source/host/monitor/monitor.js';
import {PluginManager} from '../../../source/host/plugins/manager.js';
import type {PluginSummary, SeriesSummary} from '../../../source/protocol/snapshot.js';

/** A monitor with a duration clock that moves only when told to. */
function monitorWithClock(options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}) {
	let now = 1_000_000n;
	const monitor = new PerformanceMonitor({samplers: false, alerts: false, onFault: () => {}, clock: () => now, ...options});
	return {
		monitor,
		spend(ms: number) {
			now += BigInt(Math.round(ms * 1e6));
		},
	};
}

function realMonitor(options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}): PerformanceMonitor {
	return new PerformanceMonitor({samplers: false, alerts: false, onFault: () => {}, ...options});
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
const tick = () => new Promise<void>(resolve => setImmediate(resolve));

function busyWait(ms: number): void {
	const until = performance.now() + ms;
	while (performance.now() < until);
}

function pluginOf(monitor: PerformanceMonitor, name: string): PluginSummary {
	const plugin = monitor.getPluginPerformance(name);
	assert.ok(plugin, `plugin ${name} is listed`);
	return plugin;
}

function seriesOf(monitor: PerformanceMonitor, op: string, plugin?: string): SeriesSummary {
	const summary = monitor.getPerformanceSummary();
	const series = plugin === undefined ? summary.series.find(entry => entry.op === op) : summary.plugins.find(entry => entry.name === plugin)?.hooks.find(entry => entry.op === op);
	assert.ok(series, `series ${op}${plugin ? ` of ${plugin}` : ''} exists`);
	return series;
}

type Done = (error?: unknown) => void;

describe('startTimer', () => {
	test('end() records a success once; a second end records nothing', () => {
		const {monitor, spend} = monitorWithClock();
		const end = monitor.startTimer('request', {plugin: 'api', kind: 'hook'});
		spend(4);
		end();
		spend(10);
		end();
		end(new Error('late'));
		const series = seriesOf(monitor, 'request', 'api');
		assert.equal(series.count, 1);
		assert.equal(series.errors, 0);
		assert.equal(series.totalMs, 4);
		assert.equal(series.kind, 'hook');
	});

	test('end(error) with anything but undefined or null records an error', () => {
		const {monitor, spend} = monitorWithClock();
		for (const argument of [new Error('x'), 'failed', 0, false]) {
			const end = monitor.startTimer('job');
			spend(1);
			end(argument);
		}
		monitor.startTimer('job')(null);
		monitor.startTimer('job')(undefined);
		const series = seriesOf(monitor, 'job');
		assert.equal(series.count, 6);
		assert.equal(series.errors, 4);
	});
});

describe('wrap with a callback', () => {
	test('a call is timed until its callback; time spent inside the callback is not charged', async () => {
		const monitor = realMonitor();
		const hook = (_request: unknown, _reply: unknown, done: Done) => {
			setTimeout(() => done(), 20);
		};
		const wrapped = monitor.wrap(hook, {op: 'onSend', plugin: 'etag', kind: 'hook', callback: 'last'});
		const received: unknown[] = [];
		await new Promise<void>(resolve => {
			wrapped('req', 'reply', function (this: unknown, ...args: unknown[]) {
				received.push(this, ...args);
				// Downstream work (Fastify's done() runs the rest of the pipeline) must not count.
				busyWait(400);
				resolve();
			});
		});
		const series = seriesOf(monitor, 'onSend', 'etag');
		assert.equal(series.count, 1);
		assert.equal(series.errors, 0);
		// The timer fires after >= 20 ms; the callback's 400 ms of work must be left out (tolerance for a busy machine: 20..350 ms).
		assert.ok(series.totalMs >= 19 && series.totalMs < 350, `timed ${series.totalMs} ms`);
		assert.deepEqual(received, [undefined]);
	});

	test('the callback gets the same this and arguments; an error argument is recorded as an error', () => {
		const {monitor, spend} = monitorWithClock();
		const context = {name: 'ctx'};
		const fn = function (this: unknown, value: number, callback: (this: unknown, error: Error | null, result?: number) => void) {
			spend(2);
			if (value < 0) callback.call(context, new Error('negative'));
			else callback.call(context, null, value * 2);
		};
		const wrapped = monitor.wrap(fn, {op: 'double', callback: 1});
		const seen: unknown[] = [];
		const callback = function (this: unknown, error: Error | null, result?: number) {
			seen.push(this, error?.message ?? null, result);
		};
		wrapped(4, callback);
		wrapped(-1, callback);
		assert.deepEqual(seen, [context, null, 8, context, 'negative', undefined]);
		const series = seriesOf(monitor, 'double');
		assert.equal(series.count, 2);
		assert.equal(series.errors, 1);
		assert.equal(series.totalMs, 4);
	});

	test('callback and promise: whichever comes first ends the timing, recorded once', async () => {
		const {monitor, spend} = monitorWithClock();
		let later: Done = () => {};
		// Declares done but returns a promise (helmet's style): the promise settles first here.
		const both = (_request: unknown, done: Done) => {
			later = done;
			return Promise.resolve().then(() => spend(3));
		};
		const wrapped = monitor.wrap(both, {op: 'onRequest', plugin: 'helmet', kind: 'hook', callback: 'last'});
		let called = 0;
		await wrapped('req', () => called++);
		await tick();
		spend(50);
		later();
		assert.equal(called, 1, 'the original callback still runs');
		const series = seriesOf(monitor, 'onRequest', 'helmet');
		assert.equal(series.count, 1);
		assert.equal(series.totalMs, 3);
		// The callback first, then the promise rejects: still one call, a success.
		const first = (_request: unknown, done: Done) => {
			done();
			return Promise.reject(new Error('after done'));
		};
		const wrappedFirst = monitor.wrap(first, {op: 'first', callback: 'last'});
		await assert.rejects(wrappedFirst('req', () => {}), /after done/);
		assert.equal(seriesOf(monitor, 'first').count, 1);
		assert.equal(seriesOf(monitor, 'first').errors, 0);
	});

	test('a sync throw ends the timing as an error and is rethrown as the same object; no callback there: a plain call', () => {
		const {monitor, spend} = monitorWithClock();
		const problem = new Error('bad');
		const wrapped = monitor.wrap(
			(value: number, _done?: Done) => {
				spend(1);
				if (value === 0) throw problem;
				return value;
			},
			{op: 'check', callback: 'last'},
		);
		assert.throws(() => wrapped(0, () => {}), error => error === problem);
		assert.equal(wrapped(5), 5, 'no function at the last position: timed like a plain call');
		const series = seriesOf(monitor, 'check');
		assert.equal(series.count, 2);
		assert.equal(series.errors, 1);
		assert.equal(series.totalMs, 2);
	});
});

describe('the wrapper looks like the function', () => {
	test('own properties and symbols, name and length are kept', () => {
		const monitor = realMonitor();
		const skip = Symbol.for('skip-override');
		const plugin = Object.assign(function cors(_instance: unknown, _options: unknown, _done: Done) {}, {[skip]: true, displayName: 'cors', [Symbol.for('fastify.display-name')]: 'cors'});
		const wrapped = monitor.wrap(plugin, {op: 'register', plugin: 'cors'});
		assert.notEqual(wrapped, plugin);
		assert.equal((wrapped as unknown as Record<symbol, unknown>)[skip], true);
		assert.equal((wrapped as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')], 'cors');
		assert.equal((wrapped as unknown as {displayName: string}).displayName, 'cors');
		assert.equal(wrapped.name, 'cors');
		assert.equal(wrapped.length, 3);
	});

	test('the wrapper of an async function still looks async (constructor.name, as Fastify checks)', async () => {
		const monitor = realMonitor();
		const asyncHook = async (_request: unknown, _reply: unknown) => 'ok';
		const plainHook = (_request: unknown, _reply: unknown, done: Done) => done();
		const wrappedAsync = monitor.wrap(asyncHook, {op: 'onRequest', plugin: 'p', kind: 'hook'});
		const wrappedAsyncCallback = monitor.wrap(asyncHook, {op: 'onRequest', plugin: 'p', kind: 'hook', callback: 'last'});
		const wrappedPlain = monitor.wrap(plainHook, {op: 'onRequest', plugin: 'p', kind: 'hook', callback: 'last'});
		assert.equal(wrappedAsync.constructor.name, 'AsyncFunction');
		assert.equal(wrappedAsyncCallback.constructor.name, 'AsyncFunction');
		assert.equal(wrappedPlain.constructor.name, 'Function');
		assert.equal(await wrappedAsync(1, 2), 'ok');
	});

	test('wrapping twice with equal options gives the same wrapper, so removal by identity works; unwrap gives the original', () => {
		const monitor = realMonitor();
		const listener = () => {};
		const options = {op: 'message', plugin: 'chat', kind: 'hook' as const};
		const first = monitor.wrap(listener, options);
		assert.equal(monitor.wrap(listener, {...options}), first, 'same function, equal options');
		assert.equal(monitor.wrap(first, {...options}), first, 'its own wrapper, equal options');
		assert.notEqual(monitor.wrap(listener, {...options, op: 'other'}), first, 'other options: another wrapper');
		assert.equal(monitor.unwrap(first), listener);
		assert.equal(monitor.unwrap(listener), listener);
		const emitter = new EventEmitter();
		emitter.on('message', monitor.wrap(listener, options));
		emitter.off('message', monitor.wrap(listener, options));
		assert.equal(emitter.listenerCount('message'), 0);
	});
});

describe('record with a kind', () => {
	test("kind 'hook' counts hand-recorded calls as hook time (TIME%), overlapping records once", () => {
		const {monitor} = monitorWithClock();
		monitor.record('transform', 10, {plugin: 'a', kind: 'hook'});
		monitor.record('transform', 10, {plugin: 'a', kind: 'hook'});
		monitor.record('query', 30, {plugin: 'b'});
		const a = pluginOf(monitor, 'a');
		assert.equal(a.hooks[0]?.kind, 'hook');
		assert.equal(a.hooks[0]?.totalMs, 20);
		// Both records end at the same moment: 10 ms of busy time, not 20.
		assert.equal(a.busyMs, 10);
		assert.equal(a.hookShare, 1);
		assert.equal(pluginOf(monitor, 'b').hookShare, 0, 'operations are not hook time');
	});
});

describe('measureLoad', () => {
	test('records the self time of a load: nested measureLoad calls are not charged to the outer plugin', async () => {
		const monitor = realMonitor();
		const value = await monitor.measureLoad(
			'outer',
			async () => {
				await sleep(20);
				await monitor.measureLoad('inner', async () => sleep(300), {source: 'inner.js'});
				return 'registered';
			},
			{source: 'outer.js'},
		);
		assert.equal(value, 'registered');
		const outer = pluginOf(monitor, 'outer');
		const inner = pluginOf(monitor, 'inner');
		assert.equal(outer.state, 'loaded');
		assert.equal(outer.source, 'outer.js');
		assert.ok(inner.loadMs !== null && inner.loadMs >= 295, `inner ${inner.loadMs} ms`);
		// Outer slept 20 ms itself; with inner's 300 ms it would be >= 320 (tolerance for a busy machine: under 200 ms).
		assert.ok(outer.loadMs !== null && outer.loadMs >= 15 && outer.loadMs < 200, `outer self ${outer.loadMs} ms`);
		assert.equal(typeof outer.loadBytes, 'number');
	});

	test('a sync fn returns its value synchronously, nested loads excluded too', () => {
		const monitor = realMonitor();
		const value = monitor.measureLoad('outer', () => {
			busyWait(5);
			monitor.measureLoad('inner', () => busyWait(300));
			return 42;
		});
		assert.equal(value, 42);
		const outer = pluginOf(monitor, 'outer');
		// Outer's own work is 5 ms; inner's 300 ms must not count (tolerance for a busy machine: under 200 ms).
		assert.ok(outer.loadMs !== null && outer.loadMs >= 4 && outer.loadMs < 200, `outer self ${outer.loadMs} ms`);
	});

	test('shares the self-time logic with the plugin manager: a manager load inside it is not charged to it', async () => {
		const monitor = realMonitor();
		const manager = new PluginManager({monitor, forceGc: false});
		await monitor.measureLoad('framework', async () => {
			await sleep(10);
			const result = await manager.register({name: 'registered', hooks: {}, setup: () => sleep(300)});
			assert.ok(result.ok);
		});
		const framework = pluginOf(monitor, 'framework');
		const registered = pluginOf(monitor, 'registered');
		assert.ok(registered.loadMs !== null && registered.loadMs >= 295, `registered ${registered.loadMs} ms`);
		// Its own 10 ms sleep; with the manager's 300 ms load it would be >= 310 (tolerance for a busy machine: under 200 ms).
		assert.ok(framework.loadMs !== null && framework.loadMs < 200, `framework self ${framework.loadMs} ms`);
	});

	test('a failure is recorded as failed with the error, and rethrown unchanged', async () => {
		const monitor = realMonitor();
		const problem = new Error('setup failed');
		await assert.rejects(
			monitor.measureLoad('broken', async () => {
				throw problem;
			}),
			error => error === problem,
		);
		assert.throws(
			() =>
				monitor.measureLoad('broken-sync', () => {
					throw problem;
				}),
			error => error === problem,
		);
		assert.equal(pluginOf(monitor, 'broken').state, 'failed');
		assert.equal(pluginOf(monitor, 'broken').error, 'setup failed');
		assert.equal(pluginOf(monitor, 'broken-sync').state, 'failed');
	});
});

describe('instrument', () => {
	test('skips symbol keys, classes and constructors, and getters', () => {
		const monitor = realMonitor();
		const kSymbol = Symbol('kState');
		class Reply {}
		function Legacy(this: {x: number}) {
			this.x = 1;
		}
		Legacy.prototype.method = function () {};
		let reads = 0;
		const target = {
			onRequest: () => 'hooked',
			[kSymbol]: () => 'symbol',
			Reply,
			Legacy,
			get lazy() {
				reads++;
				return () => 'getter';
			},
		};
		const undo = monitor.instrument('app', target);
		assert.equal(reads, 0, 'getters are not read');
		assert.notEqual(monitor.unwrap(target.onRequest), target.onRequest);
		assert.equal(target[kSymbol]!(), 'symbol');
		assert.equal(monitor.unwrap(target[kSymbol]), target[kSymbol], 'symbol keys untouched');
		assert.equal(target.Reply, Reply);
		assert.equal(target.Legacy, Legacy);
		assert.ok(new target.Reply() instanceof Reply);
		target.onRequest();
		assert.equal(seriesOf(monitor, 'onRequest', 'app').count, 1);
		undo();
		assert.equal(monitor.unwrap(target.onRequest), target.onRequest);
	});

	test('{handler} hook objects get their handler timed under the key; the undo restores them', () => {
		const monitor = realMonitor();
		const handler = (id: string) => id.toUpperCase();
		const hook = {order: 'pre' as const, handler};
		const plugin = {name: 'node-resolve', resolveId: hook, load: (id: string) => id};
		const undo = monitor.instrument('node-resolve', plugin);
		assert.notEqual(plugin.resolveId.handler, handler);
		assert.equal(plugin.resolveId.order, 'pre');
		assert.equal(plugin.resolveId.handler('a'), 'A');
		assert.equal(seriesOf(monitor, 'resolveId', 'node-resolve').count, 1);
		assert.equal(hook.handler, handler, 'the hook object itself is not changed: the plugin holds a copy');
		undo();
		assert.equal(plugin.resolveId, hook);
		assert.equal(plugin.resolveId.handler, handler);
	});

	test('a {handler} object shared by two plugins is timed once per call, under the plugin that calls it', () => {
		const monitor = realMonitor();
		const filter = {id: /\.js$/};
		const shared = {order: 'pre' as const, filter, handler: (id: string) => id};
		const a = {transform: shared};
		const b = {transform: shared};
		const undoA = monitor.instrument('a', a);
		const undoB = monitor.instrument('b', b);
		assert.equal(shared.handler(''), '', 'the shared object still holds the original handler');
		a.transform.handler('x.js');
		b.transform.handler('y.js');
		b.transform.handler('z.js');
		assert.equal(seriesOf(monitor, 'transform', 'a').count, 1);
		assert.equal(seriesOf(monitor, 'transform', 'b').count, 2);
		assert.equal(a.transform.filter, filter, 'the copy keeps the very same filter object');
		assert.equal(a.transform.order, 'pre');
		undoB();
		undoA();
		assert.equal(a.transform, shared);
		assert.equal(b.transform, shared);
		assert.equal(monitor.unwrap(shared.handler), shared.handler);
	});

	test('deep: nested plain objects are instrumented, op names joined with ":"', async () => {
		const monitor = realMonitor();
		const before = () => 'before';
		const hooks = {build: {before, after: async () => 'after', nested: {deeper: () => 1}}, close: () => 0};
		const shallow = monitor.instrument('shallow', {build: {before}});
		shallow();
		const undo = monitor.instrument('nuxt', hooks, {deep: true});
		hooks.build.before();
		await hooks.build.after();
		hooks.build.nested.deeper();
		hooks.close();
		const ops = pluginOf(monitor, 'nuxt').hooks.map(series => series.op).sort();
		assert.deepEqual(ops, ['build:after', 'build:before', 'build:nested:deeper', 'close']);
		assert.equal(monitor.getPluginPerformance('shallow')?.hooks.length ?? 0, 0, 'without deep, nested objects are left alone');
		undo();
		assert.equal(hooks.build.before, before);
	});
});

describe('busy time and self time', () => {
	test('100 overlapping 10 ms calls over about 20 ms count about 20 ms of busy time, not 1 s', async () => {
		const monitor = realMonitor();
		const call = monitor.wrap(() => sleep(10), {op: 'transform', plugin: 'rollup-plugin', kind: 'hook'});
		const other = monitor.wrap(() => sleep(10), {op: 'transform', plugin: 'other', kind: 'hook'});
		const started = performance.now();
		await Promise.all([...Array.from({length: 50}, () => call()), other()]);
		await sleep(10);
		await Promise.all(Array.from({length: 50}, () => call()));
		const wall = performance.now() - started;
		const plugin = pluginOf(monitor, 'rollup-plugin');
		assert.equal(plugin.calls.count, 100);
		assert.ok(plugin.calls.totalMs >= 900, `summed latency ${plugin.calls.totalMs} ms`);
		// Two waves of ~10 ms with a gap: busy time is the two waves (tolerance: 18 ms up to the wall time measured).
		assert.ok(plugin.busyMs !== undefined && plugin.busyMs >= 18 && plugin.busyMs <= wall, `busy ${plugin.busyMs} ms of ${wall} ms wall time`);
		assert.ok(plugin.busyMs < wall - 5, 'the gap between the waves is not busy');
		const share = plugin.hookShare + pluginOf(monitor, 'other').hookShare;
		assert.ok(Math.abs(share - 1) < 1e-9, 'shares add up to 1');
		assert.ok(plugin.hookShare > 0.5, `two waves against one: ${plugin.hookShare}`);
	});

	test('a long call spanning short ones counts once, from its start to its end', () => {
		const {monitor, spend} = monitorWithClock();
		const endLong = monitor.startTimer('long', {plugin: 'p', kind: 'hook'});
		spend(10);
		monitor.startTimer('short', {plugin: 'p', kind: 'hook'})();
		spend(20);
		const endShort = monitor.startTimer('short', {plugin: 'p', kind: 'hook'});
		spend(1);
		endShort();
		spend(9);
		endLong();
		spend(100);
		assert.equal(pluginOf(monitor, 'p').busyMs, 40);
	});

	test('nested sync calls of one plugin count once', () => {
		const {monitor, spend} = monitorWithClock();
		const inner = monitor.wrap(() => spend(5), {op: 'inner', plugin: 'p', kind: 'hook'});
		const outer = monitor.wrap(
			() => {
				spend(2);
				inner();
				spend(3);
			},
			{op: 'outer', plugin: 'p', kind: 'hook'},
		);
		outer();
		const plugin = pluginOf(monitor, 'p');
		assert.equal(plugin.calls.totalMs, 15);
		assert.equal(plugin.busyMs, 10);
	});

	test('async calls report their synchronous self time next to their latency', async () => {
		const {monitor, spend} = monitorWithClock();
		const hook = monitor.wrap(
			async () => {
				spend(3);
				await tick();
				spend(40);
			},
			{op: 'load', plugin: 'p', kind: 'hook'},
		);
		await hook();
		await hook();
		const sync = monitor.wrap(() => spend(1), {op: 'sync', plugin: 'p', kind: 'hook'});
		sync();
		const series = seriesOf(monitor, 'load', 'p');
		assert.equal(series.totalMs, 86);
		assert.equal(series.asyncCount, 2);
		assert.equal(series.selfMs, 6);
		assert.equal(seriesOf(monitor, 'sync', 'p').selfMs, undefined, 'sync calls have no separate self time');
	});

	test('steady overlapping load (never a moment with no call in flight) shows as busy time while it runs', async () => {
		const monitor = realMonitor();
		const call = monitor.wrap(() => sleep(100), {op: 'transform', plugin: 'p', kind: 'hook'});
		const started = performance.now();
		const calls: Array<Promise<void>> = [];
		// A new 100 ms call every 10 ms for 1 s: the next start is due long before the running calls end.
		await new Promise<void>(resolve => {
			const next = () => {
				calls.push(call());
				if (performance.now() - started < 1000) setTimeout(next, 10);
				else resolve();
			};
			next();
		});
		const busyMs = pluginOf(monitor, 'p').busyMs;
		const wall = performance.now() - started;
		// Before the fix this read 0 (no interval had closed). Tolerance: at least 90 % of the wall time, at most all of it.
		assert.ok(busyMs !== undefined && busyMs >= 0.9 * wall && busyMs <= wall + 1, `busy ${busyMs} ms of ${wall} ms wall time, read mid-load`);
		await Promise.all(calls);
		const after = pluginOf(monitor, 'p').busyMs!;
		const total = performance.now() - started;
		assert.ok(after >= busyMs && after <= total + 1, `busy ${after} ms of ${total} ms once the load ended`);
	});

	test('busy time read while calls are in flight includes the open interval, exactly', () => {
		const {monitor, spend} = monitorWithClock();
		const endA = monitor.startTimer('a', {plugin: 'p', kind: 'hook'});
		spend(10);
		const endB = monitor.startTimer('b', {plugin: 'p', kind: 'hook'});
		spend(5);
		assert.equal(pluginOf(monitor, 'p').busyMs, 15);
		endA();
		spend(5);
		assert.equal(pluginOf(monitor, 'p').busyMs, 20);
		endB();
		spend(100);
		assert.equal(pluginOf(monitor, 'p').busyMs, 20, 'nothing in flight: the idle time after is not busy');
	});

	test('a call that never ends does not freeze busy time: 100 calls of 10 ms next to it count 1 s and it keeps growing', () => {
		const {monitor, spend} = monitorWithClock();
		monitor.startTimer('abandoned', {plugin: 'p', kind: 'hook'});
		const call = monitor.wrap(() => spend(10), {op: 'handle', plugin: 'p', kind: 'hook'});
		for (let index = 0; index < 100; index++) call();
		const plugin = pluginOf(monitor, 'p');
		assert.equal(plugin.busyMs, 1000);
		assert.equal(seriesOf(monitor, 'handle', 'p').count, 100);
		spend(500);
		// The call still in flight keeps the plugin busy (the union of in-flight intervals), as it keeps its caller waiting.
		assert.equal(pluginOf(monitor, 'p').busyMs, 1500);
	});

	test('TIME% follows busy time of calls still in flight', () => {
		const {monitor, spend} = monitorWithClock();
		monitor.startTimer('slow', {plugin: 'a', kind: 'hook'});
		const quick = monitor.wrap(() => spend(10), {op: 'quick', plugin: 'b', kind: 'hook'});
		quick();
		spend(30);
		// a: 40 ms in flight; b: 10 ms.
		assert.equal(pluginOf(monitor, 'a').hookShare, 0.8);
		assert.equal(pluginOf(monitor, 'b').hookShare, 0.2);
	});

	test('a plugin manager hook in flight shows in busy time before it settles', async () => {
		const {monitor, spend} = monitorWithClock();
		const manager = new PluginManager({monitor, forceGc: false});
		let finish!: () => void;
		await manager.register({name: 'p', hooks: {run: () => new Promise<void>(resolve => (finish = resolve))}});
		for (const parallel of [false, true]) {
			const call = parallel ? manager.callHookParallel('run') : manager.callHookSeries('run');
			const before = pluginOf(monitor, 'p').busyMs ?? 0;
			spend(25);
			assert.equal(pluginOf(monitor, 'p').busyMs, before + 25, parallel ? 'callHookParallel' : 'callHookSeries');
			finish();
			await call;
			spend(100);
			assert.equal(pluginOf(monitor, 'p').busyMs, before + 25);
		}
	});

	test('a metrics reset with a call in flight counts that call from the reset on', () => {
		const {monitor, spend} = monitorWithClock();
		const end = monitor.startTimer('h', {plugin: 'p', kind: 'hook'});
		spend(30);
		monitor.clearMetrics();
		assert.equal(pluginOf(monitor, 'p').busyMs, 0);
		spend(4);
		assert.equal(pluginOf(monitor, 'p').busyMs, 4);
		end();
		spend(50);
		assert.equal(pluginOf(monitor, 'p').busyMs, 4);
	});

	test('a metrics reset starts busy time over', () => {
		const {monitor, spend} = monitorWithClock();
		monitor.record('h', 10, {plugin: 'p', kind: 'hook'});
		assert.equal(pluginOf(monitor, 'p').busyMs, 10);
		monitor.clearMetrics();
		assert.equal(pluginOf(monitor, 'p').busyMs, 0);
		const end = monitor.startTimer('h', {plugin: 'p', kind: 'hook'});
		spend(7);
		end();
		assert.equal(pluginOf(monitor, 'p').busyMs, 7);
	});

	test('self time is measured on a sample of the async calls and scaled to all of them', async () => {
		const {monitor, spend} = monitorWithClock();
		const hook = monitor.wrap(
			async () => {
				spend(2);
				await tick();
			},
			{op: 'transform', plugin: 'p', kind: 'hook'},
		);
		for (let index = 0; index < 40; index++) await hook();
		const series = seriesOf(monitor, 'transform', 'p');
		assert.equal(series.asyncCount, 40);
		assert.equal(series.selfMs, 80, 'every call spent 2 ms before returning: 40 x 2 ms');
	});
});

describe('a disabled monitor costs nothing', () => {
	test('records nothing: wrap returns fn, record, time and startTimer do nothing', async () => {
		const monitor = realMonitor({enabled: false});
		const fn = () => 1;
		assert.equal(monitor.wrap(fn, {op: 'x', callback: 'last'}), fn);
		monitor.record('x', 5, {plugin: 'p', kind: 'hook'});
		assert.equal(monitor.time('x', () => 2, {plugin: 'p'}), 2);
		const end = monitor.startTimer('x', {plugin: 'p'});
		assert.equal(end, monitor.startTimer('y'), 'one shared no-op end');
		end();
		assert.equal(await monitor.measureLoad('p', async () => 3), 3);
		const target = {hook: fn};
		monitor.instrument('p', target)();
		assert.equal(target.hook, fn);
		assert.equal(monitor.registry.size, 0);
		assert.deepEqual(monitor.getPerformanceSummary().plugins, []);
	});

	test('disable() stops what is wrapped or started from then on; wrappers made before keep recording, as documented', () => {
		const {monitor, spend} = monitorWithClock();
		const fn = () => spend(2);
		const before = monitor.wrap(fn, {op: 'before', plugin: 'p', kind: 'hook'});
		monitor.disable();
		assert.equal(monitor.wrap(fn, {op: 'after', plugin: 'p'}), fn);
		monitor.startTimer('after', {plugin: 'p'})();
		monitor.record('after', 5, {plugin: 'p'});
		before();
		assert.equal(seriesOf(monitor, 'before', 'p').count, 1, 'a wrapper made before disable() still records');
		assert.equal(monitor.registry.find('after', 'p'), undefined, 'nothing made after disable() records');
		monitor.enable();
		monitor.startTimer('after', {plugin: 'p'})();
		assert.equal(seriesOf(monitor, 'after', 'p').count, 1);
	});

	test('createCache returns a working cache that is not registered and starts no timer', async () => {
		const monitor = realMonitor({enabled: false});
		const before = process.getActiveResourcesInfo().filter(kind => kind === 'Timeout').length;
		const cache = monitor.createCache<string, number>('products', {max: 10});
		cache.set('a', 1);
		assert.equal(cache.get('a'), 1);
		assert.equal(cache.get('b'), undefined);
		const stats = cache.getStats();
		assert.equal(stats.hits + stats.misses, 0, 'get does no statistics work');
		assert.equal(await cache.fetch('c', {load: async () => 3}), 3);
		assert.equal(process.getActiveResourcesInfo().filter(kind => kind === 'Timeout').length, before, 'no timer');
		assert.equal(monitor.cacheRegistry.size, 0);
		assert.equal(monitor.cacheSummaries(), null);
	});
});
