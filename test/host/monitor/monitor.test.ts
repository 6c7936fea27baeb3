import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {PerformanceMonitor} from '../../../source/host/monitor/monitor.js';
import {defaultThresholds} from '../../../source/host/alerts/thresholds.js';
import type {MetricsExport} from '../../../source/protocol/snapshot.js';

/** A monitor with a duration clock that moves only when told to. */
function monitorWithClock(options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}) {
	let now = 0n;
	const monitor = new PerformanceMonitor({samplers: false, onFault: () => {}, clock: () => now, ...options});
	return {
		monitor,
		spend(ms: number) {
			now += BigInt(Math.round(ms * 1e6));
		},
	};
}

const tick = () => new Promise<void>(resolve => setImmediate(resolve));

describe('PerformanceMonitor timing API', () => {
	test('time() returns the result and records into the (operation, plugin) series', async () => {
		const {monitor, spend} = monitorWithClock();
		assert.equal(
			monitor.time('parse', () => {
				spend(3);
				return 'parsed';
			}, {plugin: 'markdown'}),
			'parsed',
		);
		assert.equal(await monitor.time('render', async () => {
			spend(7);
			return 'html';
		}, {plugin: 'markdown'}), 'html');
		await tick();
		const plugin = monitor.getPluginPerformance('markdown');
		assert.ok(plugin);
		assert.equal(plugin.calls.count, 2);
		assert.equal(plugin.calls.totalMs, 10);
		assert.deepEqual(plugin.hooks.map(hook => [hook.op, hook.count, hook.totalMs]).sort(), [
			['parse', 1, 3],
			['render', 1, 7],
		]);
	});

	test('monitorOperation(operation, plugin) returns a wrapper for that series', () => {
		const {monitor, spend} = monitorWithClock();
		const query = monitor.monitorOperation('db.query', 'db')((sql: string) => {
			spend(2);
			return `rows for ${sql}`;
		});
		assert.equal(query('select 1'), 'rows for select 1');
		const loose = monitor.monitorOperation('startup')(() => 'ok');
		assert.equal(loose(), 'ok');
		const summary = monitor.getPerformanceSummary();
		assert.equal(summary.plugins.find(plugin => plugin.name === 'db')?.hooks[0]?.op, 'db.query');
		assert.deepEqual(summary.series.map(series => [series.op, series.plugin, series.count]), [['startup', null, 1]]);
	});

	test('a disabled monitor hands back the original functions and records nothing', () => {
		const monitor = new PerformanceMonitor({samplers: false, enabled: false});
		const fn = (x: number) => x + 1;
		assert.equal(monitor.wrap(fn, {op: 'inc'}), fn);
		assert.equal(monitor.time('inc', () => fn(1)), 2);
		const target = {fn};
		monitor.instrument('p', target)();
		assert.equal(target.fn, fn);
		assert.equal(monitor.registry.size, 0);
	});

	test('wrap() of something that is not a function is refused at wrap time', () => {
		const monitor = new PerformanceMonitor({samplers: false});
		assert.throws(() => monitor.wrap(42 as unknown as () => void, {op: 'x'}), TypeError);
	});

	test('calls over the response-time threshold are counted as slow and announced', () => {
		const {monitor, spend} = monitorWithClock({thresholds: {responseTime: 100}});
		const events: unknown[] = [];
		monitor.events.on(event => events.push(event));
		const work = monitor.wrap((ms: number) => spend(ms), {op: 'work', plugin: 'jobs', kind: 'hook'});
		work(50);
		work(150);
		assert.equal(monitor.getPluginPerformance('jobs')?.hooks[0]?.slow, 1);
		assert.deepEqual(events, [{kind: 'call.slow', op: 'work', plugin: 'jobs', ms: 150, at: (events[0] as {at: number}).at}]);
	});
});

describe('PerformanceMonitor.instrument', () => {
	class Store {
		items: string[] = [];
		add(item: string) {
			this.items.push(item);
			return this.items.length;
		}
		get size() {
			return this.items.length;
		}
	}

	test('wraps every function property, own and inherited, and the undo restores identity', () => {
		const {monitor} = monitorWithClock();
		const store = new Store() as Store & {clear: () => void; label: string};
		const clear = function clear(this: Store) {
			this.items.length = 0;
		};
		store.clear = clear;
		store.label = 'not a function';
		const ownBefore = Object.getOwnPropertyDescriptor(store, 'clear');
		const undo = monitor.instrument('store', store);
		assert.notEqual(store.clear, clear);
		assert.ok(Object.hasOwn(store, 'add'), 'the inherited method is wrapped on the instance');
		assert.equal(store.add('a'), 1);
		assert.equal(store.add('b'), 2);
		store.clear();
		assert.equal(store.size, 0, 'getters are left alone and still work');
		const hooks = monitor.getPluginPerformance('store')?.hooks.map(hook => [hook.op, hook.count]).sort();
		assert.deepEqual(hooks, [
			['add', 2],
			['clear', 1],
		]);
		undo();
		assert.equal(store.clear, clear);
		assert.deepEqual(Object.getOwnPropertyDescriptor(store, 'clear'), ownBefore);
		assert.ok(!Object.hasOwn(store, 'add'));
		assert.equal(store.add, Store.prototype.add);
		undo(); // a second undo changes nothing
		assert.equal(store.clear, clear);
	});

	test('read-only and frozen objects are left as they are, without throwing', () => {
		const {monitor} = monitorWithClock();
		const frozen = Object.freeze({run: () => 1});
		const undo = monitor.instrument('frozen', frozen);
		assert.equal(frozen.run(), 1);
		undo();
		const sealed = Object.seal({run: () => 2});
		const undoSealed = monitor.instrument('sealed', sealed);
		assert.equal(sealed.run(), 2);
		undoSealed();
		assert.equal(sealed.run(), 2);
	});
});

describe('PerformanceMonitor summaries, reset and export', () => {
	test('summaries are plain serializable data (JSON round trip is equal)', async () => {
		const {monitor, spend} = monitorWithClock();
		monitor.recordPluginLoad({name: 'db', source: './plugins/db.js', state: 'loaded', loadMs: 12.5, loadBytes: 2048, loadMemoryMode: 'heap-delta', error: null});
		const query = monitor.wrap(async (fail: boolean) => {
			spend(4);
			if (fail) throw new Error('nope');
			return 1;
		}, {op: 'query', plugin: 'db', kind: 'hook'});
		await query(false);
		await query(true).catch(() => {});
		monitor.wrap(() => spend(1), {op: 'boot'})();
		await tick();
		const summary = monitor.getPerformanceSummary();
		assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
		const db = monitor.getPluginPerformance('db');
		assert.ok(db);
		assert.deepEqual(JSON.parse(JSON.stringify(db)), db);
		assert.equal(db.loadMs, 12.5);
		assert.equal(db.calls.count, 2);
		assert.equal(db.calls.errors, 1);
		assert.equal(db.hookShare, 1);
		assert.equal(monitor.getPluginPerformance('nobody'), undefined);
		const exported = monitor.exportData();
		assert.deepEqual(JSON.parse(JSON.stringify(exported)), exported);
	});

	test('hook share splits the hook time between plugins', () => {
		const {monitor, spend} = monitorWithClock();
		monitor.wrap(() => spend(30), {op: 'render', plugin: 'a', kind: 'hook'})();
		monitor.wrap(() => spend(10), {op: 'render', plugin: 'b', kind: 'hook'})();
		monitor.wrap(() => spend(500), {op: 'helper', plugin: 'b'})(); // an operation, not a hook
		assert.equal(monitor.getPluginPerformance('a')?.hookShare, 0.75);
		assert.equal(monitor.getPluginPerformance('b')?.hookShare, 0.25);
	});

	test('clearMetrics zeroes the numbers and existing wrappers keep recording', () => {
		const {monitor, spend} = monitorWithClock();
		const events: string[] = [];
		monitor.events.on(event => events.push(event.kind));
		const work = monitor.wrap(() => spend(1), {op: 'work', plugin: 'p'});
		work();
		work();
		const result = monitor.clearMetrics();
		assert.equal(result.series, 1);
		assert.equal(monitor.getPluginPerformance('p')?.calls.count, 0);
		work();
		assert.equal(monitor.getPluginPerformance('p')?.calls.count, 1);
		assert.deepEqual(events, ['metrics.reset']);
		assert.equal(monitor.snapshot().monitor.resetAt, result.at);
	});

	test('exportMetrics writes JSON and never overwrites a file silently', t => {
		const dir = mkdtempSync(join(tmpdir(), 'pt-export-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		const {monitor, spend} = monitorWithClock();
		monitor.wrap(() => spend(2), {op: 'work', plugin: 'p'})();
		const path = join(dir, 'metrics.json');
		assert.equal(monitor.exportMetrics(path), path);
		const written = JSON.parse(readFileSync(path, 'utf8')) as MetricsExport;
		assert.equal(written.format, 'perftop-export');
		assert.equal(written.series[0]?.op, 'work');
		assert.equal(written.series[0]?.count, 1);
		writeFileSync(path, 'keep me');
		assert.throws(() => monitor.exportMetrics(path), /already exists/);
		assert.equal(readFileSync(path, 'utf8'), 'keep me');
		monitor.exportMetrics(path, {overwrite: true});
		assert.equal((JSON.parse(readFileSync(path, 'utf8')) as MetricsExport).format, 'perftop-export');
	});

	test('the series cap shows in the snapshot and is reported once', () => {
		const faults: string[] = [];
		const monitor = new PerformanceMonitor({samplers: false, seriesCap: 2, onFault: kind => faults.push(kind)});
		for (let index = 0; index < 5; index++) monitor.wrap(() => index, {op: `op${index}`})();
		const snapshot = monitor.snapshot();
		assert.equal(snapshot.monitor.overflowed, true);
		assert.equal(snapshot.monitor.series, 3);
		assert.deepEqual(faults, ['series-cap']);
		assert.equal(snapshot.series.find(series => series.op === '(overflow)')?.count, 3);
	});
});

describe('performanceThresholds', () => {
	test("has the original requirements' defaults", () => {
		const monitor = new PerformanceMonitor({samplers: false});
		assert.equal(monitor.performanceThresholds.pluginLoadTime, 2000);
		assert.equal(monitor.performanceThresholds.memoryIncrease, 0.2);
		assert.equal(monitor.performanceThresholds.responseTime, 1000);
		assert.equal(monitor.performanceThresholds.cpuUsage, 0.8);
		assert.deepEqual(monitor.performanceThresholds, {...defaultThresholds});
	});

	test('options override single thresholds; nonsense is refused', () => {
		const monitor = new PerformanceMonitor({samplers: false, thresholds: {responseTime: 250}});
		assert.equal(monitor.performanceThresholds.responseTime, 250);
		assert.equal(monitor.performanceThresholds.pluginLoadTime, 2000);
		assert.throws(() => new PerformanceMonitor({thresholds: {responseTime: -1}}), TypeError);
		assert.throws(() => new PerformanceMonitor({thresholds: {cpuUsage: Number.NaN}}), TypeError);
		assert.throws(() => new PerformanceMonitor({thresholds: {bogus: 1} as never}), TypeError);
	});
});
