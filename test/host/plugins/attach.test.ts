/**
 * Attaching and detaching a monitor, and unregistering plugins: detach restores the very same raw
 * functions, records made before an attach reach the monitor, one monitor at a time, teardown and unload.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PerformanceMonitor, PluginError, PluginManager, type HookFunction, type PluginLoadRecord} from '../../../source/index.js';

const newMonitor = (options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}) => new PerformanceMonitor({samplers: false, alerts: false, ...options});

function countOf(monitor: PerformanceMonitor, plugin: string, hook: string): number {
	return monitor.getPluginPerformance(plugin)?.hooks.find(series => series.op === hook)?.count ?? 0;
}

test('attach wraps every implementation; detach puts back the exact raw functions', async () => {
	const one: HookFunction = x => x;
	const two: HookFunction = x => [x];
	const three: HookFunction = () => 3;
	const manager = new PluginManager();
	await manager.register({name: 'p', hooks: {one, two}});
	await manager.register({name: 'q', hooks: {one: three}});
	const detach = manager.attach(newMonitor());
	const wrapped = manager.implementations('one');
	assert.equal(wrapped.length, 2);
	assert.ok(wrapped[0] !== one && wrapped[1] !== three);
	detach();
	assert.deepEqual(manager.implementations('one'), [one, three]);
	assert.equal(manager.implementations('one')[0], one);
	assert.equal(manager.implementations('two')[0], two);
	detach();
	assert.equal(manager.implementations('two')[0], two, 'a second detach changes nothing');
});

test('a plugin registered while attached is timed, and its raw function comes back on detach', async () => {
	const monitor = newMonitor();
	const manager = new PluginManager();
	const detach = manager.attach(monitor);
	const late: HookFunction = () => 'late';
	await manager.register({name: 'late', hooks: {run: late}});
	manager.callHook('run');
	manager.callHook('run');
	assert.equal(countOf(monitor, 'late', 'run'), 2);
	detach();
	assert.equal(manager.implementations('run')[0], late);
	manager.callHook('run');
	assert.equal(countOf(monitor, 'late', 'run'), 2, 'nothing is recorded after detach');
});

test('loads made before attach reach the monitor when it attaches', async () => {
	const manager = new PluginManager();
	const loaded = await manager.register({name: 'early', hooks: {}});
	await manager.register({name: 'early-broken', hooks: {}, setup: () => Promise.reject(new Error('nope'))});
	const monitor = newMonitor();
	manager.attach(monitor);
	const early = monitor.getPluginPerformance('early');
	assert.equal(early?.state, 'loaded');
	assert.equal(early?.loadMs, loaded.ok ? loaded.loadMs : -1);
	assert.equal(early?.source, 'object');
	assert.equal(monitor.getPluginPerformance('early-broken')?.state, 'failed');
});

test('attaching a second monitor moves recording to it; the first detach then does nothing', async () => {
	const manager = new PluginManager();
	const raw: HookFunction = () => 1;
	await manager.register({name: 'p', hooks: {run: raw}});
	const first = newMonitor();
	const second = newMonitor();
	const detachFirst = manager.attach(first);
	manager.callHook('run');
	const detachSecond = manager.attach(second);
	assert.equal(manager.monitor, second);
	manager.callHook('run');
	detachFirst();
	manager.callHook('run');
	assert.equal(countOf(first, 'p', 'run'), 1);
	assert.equal(countOf(second, 'p', 'run'), 2);
	detachSecond();
	assert.equal(manager.monitor, null);
	assert.equal(manager.implementations('run')[0], raw);
});

test('a disabled monitor leaves the raw functions in place and records no calls', async () => {
	const monitor = newMonitor({enabled: false});
	const raw: HookFunction = () => 1;
	const manager = new PluginManager({monitor});
	await manager.register({name: 'p', hooks: {run: raw}});
	assert.equal(manager.implementations('run')[0], raw);
	manager.callHook('run');
	assert.equal(countOf(monitor, 'p', 'run'), 0);
});

test('unregister removes the hooks before teardown runs, marks the plugin unloaded, and frees the name', async () => {
	const monitor = newMonitor();
	const manager = new PluginManager({monitor});
	const seenInTeardown: unknown[] = [];
	await manager.register({name: 'a', hooks: {run: () => 'a'}});
	await manager.register({
		name: 'b',
		hooks: {run: () => 'b'},
		teardown: async () => {
			seenInTeardown.push(manager.callHook('run'));
		},
	});
	assert.equal(await manager.unregister('b'), true);
	assert.deepEqual(seenInTeardown, [['a']]);
	assert.deepEqual(manager.callHook('run'), ['a']);
	assert.equal(monitor.getPluginPerformance('b')?.state, 'unloaded');
	assert.equal(await manager.unregister('b'), false);
	assert.equal(await manager.unregister('never-there'), false);
	const again = await manager.register({name: 'b', hooks: {run: () => 'b again'}});
	assert.equal(again.ok, true);
	assert.deepEqual(manager.callHook('run'), ['a', 'b again']);
	assert.equal(monitor.getPluginPerformance('b')?.state, 'loaded');
});

test('a failing teardown still removes the plugin and rejects with an error naming it', async () => {
	const manager = new PluginManager();
	const cause = new Error('socket already closed');
	await manager.register({name: 'net', hooks: {run: () => 1}, teardown: () => Promise.reject(cause)});
	const error = await manager.unregister('net').then(
		() => null,
		(thrown: unknown) => thrown,
	);
	assert.ok(error instanceof PluginError);
	assert.equal(error.code, 'E_PLUGIN_TEARDOWN');
	assert.equal(error.message, `plugin 'net' failed in teardown: socket already closed`);
	assert.equal(error.cause, cause);
	assert.equal(manager.has('net'), false);
	assert.deepEqual(manager.callHook('run'), []);
});

test('close unregisters every plugin, last registered first, and returns teardown failures', async () => {
	const manager = new PluginManager();
	const order: string[] = [];
	for (const name of ['a', 'b', 'c']) {
		await manager.register({
			name,
			hooks: {},
			teardown: () => {
				order.push(name);
				if (name === 'b') throw new Error('b stuck');
			},
		});
	}
	const failures = await manager.close();
	assert.deepEqual(order, ['c', 'b', 'a']);
	assert.deepEqual(
		failures.map(failure => failure.message),
		[`plugin 'b' failed in teardown: b stuck`],
	);
	assert.deepEqual(manager.names, []);
});

test('a sequence in progress keeps its implementations when plugins come and go', async () => {
	const manager = new PluginManager();
	const calls: string[] = [];
	await manager.register({
		name: 'first',
		hooks: {
			step: async () => {
				calls.push('first');
				await manager.register({name: 'added', hooks: {step: () => calls.push('added')}});
				await manager.unregister('last');
			},
		},
	});
	await manager.register({name: 'last', hooks: {step: () => calls.push('last')}});
	await manager.callHookSeries('step');
	assert.deepEqual(calls, ['first', 'last']);
	assert.deepEqual(manager.pluginsFor('step'), ['first', 'added']);
});

test('a monitor that fails while recording never breaks loading or calls', async () => {
	const faults: string[] = [];
	class BrokenMonitor extends PerformanceMonitor {
		override recordPluginLoad(_record: PluginLoadRecord): void {
			throw new Error('store full');
		}
	}
	const monitor = new BrokenMonitor({samplers: false, alerts: false, onFault: kind => faults.push(kind)});
	const manager = new PluginManager({monitor});
	const result = await manager.register({name: 'fine', hooks: {run: () => 'ok'}});
	assert.equal(result.ok, true);
	assert.deepEqual(manager.callHook('run'), ['ok']);
	assert.deepEqual(faults, ['plugin-record']);
	assert.ok(monitor.faults.count >= 2, 'every failed record is counted');
});
