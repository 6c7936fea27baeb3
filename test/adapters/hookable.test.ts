/**
 * perftop/hookable against real hookable 6: hooks registered through a plugin's scope are timed as that
 * plugin's (nested objects too), removal by the plugin's own function works, per-hook-name totals (the timed
 * callHookWith) match the plugins' times on serial calls and count errors, and undo leaves the instance as it
 * would be without perftop.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {createHooks, Hookable} from 'hookable';
import {PerformanceMonitor} from '../../source/index.js';
import {instrumentHookable} from '../../source/adapters/hookable.js';
import {runReadmeExample} from '../helpers/readme-example.js';

const newMonitor = (options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}) => new PerformanceMonitor({samplers: false, alerts: false, ...options});

const hookOf = (monitor: PerformanceMonitor, plugin: string, op: string) => monitor.getPluginPerformance(plugin)?.hooks.find(series => series.op === op);
const countOf = (monitor: PerformanceMonitor, plugin: string, op: string) => hookOf(monitor, plugin, op)?.count ?? 0;
const totalOf = (monitor: PerformanceMonitor, op: string) => monitor.getPerformanceSummary().series.find(series => series.op === op);

/** What the instance stores under each hook name (hookable's own field; read only to check the adapter). */
const stored = (hooks: object) => (hooks as unknown as {_hooks: Record<string, Array<(...args: never[]) => unknown> | undefined>})._hooks;
const listeners = (hooks: object) => hooks as unknown as {_before?: unknown[]; _after?: unknown[]};

interface BuildHooks {
	'build:before': () => Promise<void> | void;
	'build:after': (files: string[]) => Promise<void> | void;
	'render:page': (path: string) => Promise<void> | void;
}

test('hooks are attributed to the plugin that registered them, nested objects included', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const {forPlugin} = instrumentHookable(monitor, hooks);
	const seen: string[] = [];
	forPlugin('sitemap').addHooks({build: {before: () => void seen.push('sitemap:before'), after: () => void seen.push('sitemap:after')}});
	forPlugin('images').hook('build:before', () => void seen.push('images:before'));
	hooks.hook('build:before', () => void seen.push('raw:before'));
	for (let call = 0; call < 3; call++) await hooks.callHook('build:before');
	await hooks.callHook('build:after', ['a.html']);
	assert.deepEqual(seen.slice(0, 3), ['sitemap:before', 'images:before', 'raw:before'], 'registration order is kept');
	assert.equal(countOf(monitor, 'sitemap', 'build:before'), 3, 'a nested object is flattened as hookable does, and counted');
	assert.equal(countOf(monitor, 'sitemap', 'build:after'), 1);
	assert.equal(countOf(monitor, 'images', 'build:before'), 3);
	assert.equal(countOf(monitor, 'images', 'build:after'), 0);
	assert.deepEqual(monitor.getPerformanceSummary().plugins.map(plugin => plugin.name).sort(), ['images', 'sitemap'], 'a hook registered on the instance itself belongs to no plugin');
	assert.equal(totalOf(monitor, 'build:before')?.count, 3, 'per-hook-name totals count every callHook');
	assert.equal(totalOf(monitor, 'build:after')?.count, 1);
	for (const series of monitor.getPluginPerformance('sitemap')!.hooks) assert.equal(series.kind, 'hook');
});

test('async hooks are timed to settlement', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	instrumentHookable(monitor, hooks).forPlugin('slow').hook('render:page', async () => {
		await sleep(30);
	});
	await hooks.callHook('render:page', '/');
	const series = hookOf(monitor, 'slow', 'render:page')!;
	assert.ok((series.maxMs ?? 0) >= 25, `timed to settlement (30 ms sleep, 5 ms tolerance): ${series.maxMs} ms`);
	assert.ok((totalOf(monitor, 'render:page')?.maxMs ?? 0) >= 25, 'the total as well');
});

test('serial callHook: the plugins\' times add up to the call\'s total', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const {forPlugin} = instrumentHookable(monitor, hooks);
	const spin = (ms: number) => {
		const until = performance.now() + ms;
		while (performance.now() < until);
	};
	forPlugin('fetcher').hook('build:before', async () => {
		await sleep(15);
	});
	forPlugin('compiler').hook('build:before', () => spin(8));
	forPlugin('writer').hook('build:before', async () => {
		spin(3);
		await sleep(10);
	});
	for (let call = 0; call < 5; call++) await hooks.callHook('build:before');
	const plugins = ['fetcher', 'compiler', 'writer'].map(name => hookOf(monitor, name, 'build:before')!);
	for (const series of plugins) assert.equal(series.count, 5);
	const sum = plugins.reduce((total, series) => total + series.totalMs, 0);
	const total = totalOf(monitor, 'build:before')!.totalMs;
	// The total also holds hookable's own work between the hooks (a microtask per async hook) and the
	// listeners: a few ms over 5 calls of ~40 ms. Tolerance: 10 % of the total.
	assert.ok(sum <= total * 1.001, `plugins ${sum.toFixed(2)} ms never exceed the serial total ${total.toFixed(2)} ms`);
	assert.ok(sum >= total * 0.9, `plugins ${sum.toFixed(2)} ms are within 10 % of the total ${total.toFixed(2)} ms`);
	assert.ok(total >= 5 * 33, `the total covers the sleeps and spins (5 x 36 ms, 3 ms tolerance each): ${total.toFixed(2)} ms`);
});

test('removal by the plugin\'s own function, by the unregister function and by the same nested object', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const {forPlugin} = instrumentHookable(monitor, hooks);
	const scope = forPlugin('p');
	let calls = 0;
	const before = () => void calls++;
	const after = () => void calls++;
	scope.hook('build:before', before);
	assert.notEqual(stored(hooks)['build:before']?.[0], before, 'the instance stores the timed wrapper');
	scope.removeHook('build:before', before);
	assert.equal(stored(hooks)['build:before'], undefined, 'removeHook with the original removes the wrapper');

	const unregister = scope.hook('build:before', before);
	unregister();
	unregister();
	assert.equal(stored(hooks)['build:before'], undefined, 'the returned unregister removes it (twice is harmless)');

	const config = {build: {before, after}};
	scope.addHooks(config);
	await hooks.callHook('build:before');
	await hooks.callHook('build:after', []);
	assert.equal(calls, 2);
	scope.removeHooks(config);
	assert.equal(stored(hooks)['build:before'], undefined);
	assert.equal(stored(hooks)['build:after'], undefined);
	const removeAll = scope.addHooks(config);
	removeAll();
	assert.equal(stored(hooks)['build:before'], undefined, "addHooks' returned function removes them all");
});

test('undo, then removeHooks(sameObject) on the instance: nothing registered, nothing recording', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const ownCallHookWith = hooks.callHookWith;
	const {forPlugin, undo} = instrumentHookable(monitor, hooks);
	assert.notEqual(hooks.callHookWith, ownCallHookWith, 'timed while instrumented');
	let calls = 0;
	const config = {build: {before: () => void calls++, after: () => void calls++}};
	forPlugin('p').addHooks(config);
	const raw = () => void calls++;
	hooks.hook('build:before', raw);
	forPlugin('q').hook('build:before', config.build.before);
	await hooks.callHook('build:before');
	assert.equal(calls, 3);
	const recorded = monitor.getPerformanceSummary().series.map(series => series.count);

	undo();
	assert.deepEqual(stored(hooks)['build:before'], [config.build.before, raw, config.build.before], 'the originals are back, in their places');
	assert.deepEqual(stored(hooks)['build:after'], [config.build.after]);
	assert.equal(listeners(hooks)._before?.length ?? 0, 0, 'no listeners left');
	assert.equal(listeners(hooks)._after?.length ?? 0, 0);
	assert.equal(hooks.callHookWith, ownCallHookWith, "the instance's own callHookWith is back");

	hooks.removeHooks(config);
	hooks.removeHooks(config);
	hooks.removeHook('build:before', raw);
	assert.ok(Object.values(stored(hooks)).every(list => list === undefined), 'nothing registered');
	const pluginCalls = countOf(monitor, 'p', 'build:before');
	await hooks.callHook('build:before');
	await hooks.callHook('build:after', []);
	assert.equal(calls, 3, 'no function runs');
	assert.equal(countOf(monitor, 'p', 'build:before'), pluginCalls, 'nothing records');
	assert.deepEqual(
		monitor.getPerformanceSummary().series.map(series => series.count),
		recorded,
		'no totals either',
	);
	undo();
});

test('after undo, scopes register the functions themselves and their unregister functions still work', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const {forPlugin, undo} = instrumentHookable(monitor, hooks);
	const early = () => {};
	const unregisterEarly = forPlugin('p').hook('build:before', early);
	undo();
	const late = () => {};
	forPlugin('p').hook('build:before', late);
	assert.deepEqual(stored(hooks)['build:before'], [early, late]);
	unregisterEarly();
	assert.deepEqual(stored(hooks)['build:before'], [late], "an unregister made before undo removes the original put back");
	forPlugin('p').removeHook('build:before', late);
	assert.equal(stored(hooks)['build:before'], undefined);
	await hooks.callHook('build:before');
	assert.equal(monitor.getPluginPerformance('p')?.calls.count ?? 0, 0);
});

test('hookOnce runs once, timed, then is gone; beforeEach/afterEach of a plugin are timed as its own', async () => {
	const monitor = newMonitor();
	const hooks = new Hookable<BuildHooks>();
	const {forPlugin, undo} = instrumentHookable(monitor, hooks, {totals: false});
	let once = 0;
	forPlugin('p').hookOnce('build:before', () => void once++);
	const events: string[] = [];
	forPlugin('tracer').beforeEach(event => void events.push(event.name));
	await hooks.callHook('build:before');
	await hooks.callHook('build:before');
	assert.equal(once, 1);
	assert.equal(countOf(monitor, 'p', 'build:before'), 1);
	assert.equal(stored(hooks)['build:before'], undefined, 'removed after its call');
	assert.deepEqual(events, ['build:before', 'build:before']);
	assert.equal(countOf(monitor, 'tracer', 'beforeEach'), 2);
	assert.equal(totalOf(monitor, 'build:before'), undefined, 'no totals when asked');
	undo();
	await hooks.callHook('build:before');
	assert.equal(events.length, 3, 'the spy is still registered after undo, as the original');
	assert.equal(countOf(monitor, 'tracer', 'beforeEach'), 2, 'and records nothing');
});

test('a hook that throws is counted as an error and callHook rejects with the same error', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const failure = new Error('cannot render');
	instrumentHookable(monitor, hooks).forPlugin('broken').hook('render:page', () => {
		throw failure;
	});
	await assert.rejects(async () => hooks.callHook('render:page', '/'), error => error === failure);
	assert.equal(hookOf(monitor, 'broken', 'render:page')?.errors, 1);
});

test('per-hook-name totals count a throw or a rejection as an error, serial and parallel', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const failure = new Error('cannot render');
	let fail = false;
	const {forPlugin, undo} = instrumentHookable(monitor, hooks);
	forPlugin('pages').hook('render:page', async () => {
		await sleep(1);
		if (fail) throw failure;
	});
	hooks.hook('build:before', () => {
		throw failure;
	});
	await hooks.callHook('render:page', '/');
	fail = true;
	await assert.rejects(async () => hooks.callHook('render:page', '/'), error => error === failure);
	await assert.rejects(async () => hooks.callHookParallel('render:page', '/'), error => error === failure);
	await assert.rejects(async () => hooks.callHook('build:before'), error => error === failure);
	assert.equal(totalOf(monitor, 'render:page')?.count, 3);
	assert.equal(totalOf(monitor, 'render:page')?.errors, 2, 'the two failed calls of render:page');
	assert.equal(totalOf(monitor, 'build:before')?.errors, 1, 'a hook registered on the instance itself, failing too');
	assert.equal(hookOf(monitor, 'pages', 'render:page')?.errors, 2);
	assert.equal(listeners(hooks)._before, undefined, 'no beforeEach/afterEach listeners: hookable builds no event objects');
	undo();
});

test('a rejected callHook that the caller ignores is still reported as unhandled, as without perftop', async () => {
	const monitor = newMonitor();
	const hooks = createHooks<BuildHooks>();
	const failure = new Error('ignored');
	instrumentHookable(monitor, hooks).forPlugin('p').hook('render:page', async () => {
		throw failure;
	});
	const unhandled: unknown[] = [];
	const listener = (reason: unknown) => void unhandled.push(reason);
	// node:test reports an unhandled rejection as a failure of the test; this listener takes it first.
	const previous = process.listeners('unhandledRejection');
	process.removeAllListeners('unhandledRejection');
	process.on('unhandledRejection', listener);
	try {
		void hooks.callHook('render:page', '/');
		await sleep(20);
	} finally {
		process.off('unhandledRejection', listener);
		for (const other of previous) process.on('unhandledRejection', other);
	}
	assert.deepEqual(unhandled, [failure]);
	assert.equal(totalOf(monitor, 'render:page')?.errors, 1);
});

test('a disabled monitor: the scopes register the functions themselves and nothing is recorded', async () => {
	const monitor = newMonitor({enabled: false});
	const hooks = createHooks<BuildHooks>();
	const fn = () => {};
	instrumentHookable(monitor, hooks).forPlugin('p').hook('build:before', fn);
	assert.deepEqual(stored(hooks)['build:before'], [fn]);
	assert.equal(listeners(hooks)._before, undefined, 'no listeners: hookable builds no event objects');
	await hooks.callHook('build:before');
	assert.deepEqual(monitor.getPerformanceSummary().series, []);
});

test('the readme example runs and prints per-plugin and per-hook times', async () => {
	const {stdout} = await runReadmeExample('hookable');
	assert.match(stdout, /sitemap\s+build:done\s+1 calls/);
	assert.match(stdout, /images\s+build:before\s+1 calls/);
	assert.match(stdout, /build:before: 1 calls, total \d+(\.\d+)? ms/);
});
