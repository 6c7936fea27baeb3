/**
 * Load cost: self time (nested loads excluded, async setup counted until it settles), load memory and the
 * mode it was measured in, as returned and as recorded in the monitor.
 */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {PerformanceMonitor, PluginManager} from '../../../source/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'plugins');
const busy = join(fixtures, 'measured', 'busy.mjs');
const root = join(fixtures, '..', '..', '..');

const newMonitor = () => new PerformanceMonitor({samplers: false, alerts: false});

test('load time and memory are returned and recorded, in heap-delta mode without global.gc', async () => {
	assert.equal(typeof globalThis.gc, 'undefined', 'this test runs without --expose-gc');
	const monitor = newMonitor();
	const manager = new PluginManager({monitor});
	const result = await manager.load(busy, {name: 'slow-start', ms: 25});
	assert.ok(result.ok);
	assert.ok(result.loadMs >= 25, `a setup busy for 25 ms loads in at least 25 ms, got ${result.loadMs}`);
	assert.ok(Number.isFinite(result.loadBytes));
	assert.equal(result.loadMemoryMode, 'heap-delta');
	const record = monitor.getPluginPerformance('slow-start');
	assert.equal(record?.state, 'loaded');
	assert.equal(record?.loadMs, result.loadMs);
	assert.equal(record?.loadBytes, result.loadBytes);
	assert.equal(record?.loadMemoryMode, 'heap-delta');
	assert.equal(record?.source, busy);
});

test('an async setup is counted until it settles', async () => {
	const manager = new PluginManager();
	const result = await manager.register({name: 'waits', hooks: {}, setup: () => new Promise(resolve => setTimeout(resolve, 30))});
	assert.ok(result.ok && result.loadMs >= 29, `expected at least ~30 ms, got ${result.ok && result.loadMs}`);
});

test('self time excludes a nested plugin loaded from setup; the nested one registers first', async () => {
	const monitor = newMonitor();
	const manager = new PluginManager({monitor});
	const started = performance.now();
	const result = await manager.load(busy, {name: 'outer', ms: 5, child: {specifier: busy, options: {name: 'inner', ms: 40}}});
	const wall = performance.now() - started;
	assert.ok(result.ok);
	const inner = monitor.getPluginPerformance('inner');
	assert.ok((inner?.loadMs ?? 0) >= 40, `the nested plugin's own 40 ms are its load time, got ${inner?.loadMs}`);
	assert.ok(result.loadMs >= 5, `the outer plugin's own 5 ms count, got ${result.loadMs}`);
	assert.ok(wall - result.loadMs >= 40, `the nested 40 ms are not in the outer self time (wall ${wall}, self ${result.loadMs})`);
	assert.deepEqual(manager.names, ['inner', 'outer']);
});

test('failed loads are recorded with their load cost and the error', async () => {
	const monitor = newMonitor();
	const manager = new PluginManager({monitor});
	const result = await manager.register({name: 'broken', hooks: {}, setup: () => Promise.reject(new Error('no disk'))});
	assert.equal(result.ok, false);
	const record = monitor.getPluginPerformance('broken');
	assert.equal(record?.state, 'failed');
	assert.equal(record?.error, `plugin 'broken' failed in setup: no disk`);
	assert.equal(typeof record?.loadMs, 'number');
	assert.equal(record?.loadMemoryMode, 'heap-delta');
});

test('with global.gc, a monitored load collects before and after and says mode gc; unmonitored loads do not collect', async t => {
	let collections = 0;
	globalThis.gc = (() => {
		collections++;
	}) as typeof globalThis.gc;
	t.after(() => {
		delete (globalThis as {gc?: unknown}).gc;
	});
	const plain = await new PluginManager().register({name: 'plain', hooks: {}});
	assert.equal(plain.ok && plain.loadMemoryMode, 'heap-delta');
	assert.equal(collections, 0);

	const monitored = new PluginManager({monitor: newMonitor()});
	const first = await monitored.register({name: 'first', hooks: {}});
	assert.equal(first.ok && first.loadMemoryMode, 'gc');
	assert.equal(collections, 2);
	await monitored.register({
		name: 'parent',
		hooks: {},
		setup: async context => {
			await context.register({name: 'child', hooks: {}});
		},
	});
	assert.equal(collections, 6, 'nested loads collect around themselves too');

	const optedOut = new PluginManager({monitor: newMonitor(), forceGc: false});
	const quiet = await optedOut.register({name: 'quiet', hooks: {}});
	assert.equal(quiet.ok && quiet.loadMemoryMode, 'heap-delta');
	assert.equal(collections, 6);
});

test('with node --expose-gc, load memory is what each plugin keeps alive, nested plugins excluded', async () => {
	const {stdout} = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', join(fixtures, 'measure-gc.mjs')], {cwd: root});
	const report = JSON.parse(stdout) as {ok: boolean; outer: {loadBytes: number; loadMemoryMode: string}; inner: {loadBytes: number; loadMemoryMode: string}};
	assert.equal(report.ok, true);
	assert.equal(report.outer.loadMemoryMode, 'gc');
	assert.equal(report.inner.loadMemoryMode, 'gc');
	const near = (value: number, expected: number) => value > expected * 0.9 && value < expected * 1.25;
	assert.ok(near(report.inner.loadBytes, 8_000_000), `inner keeps ~8 MB, measured ${report.inner.loadBytes}`);
	assert.ok(near(report.outer.loadBytes, 2_000_000), `outer keeps ~2 MB of its own, measured ${report.outer.loadBytes}`);
});
