import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {runExport} from '../../source/commands/export.js';
import {runOnce} from '../../source/commands/once.js';
import {PerformanceMonitor} from '../../source/host/monitor/monitor.js';
import type {MetricsExport, Snapshot} from '../../source/protocol/snapshot.js';
import {tempDir} from '../helpers/host-process.js';
import {capture} from './capture.js';

/** A copy without the `recent` window stats (time-dependent) at any depth. */
function settled(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value, (key, inner) => (key === 'recent' || key === 'hookShare' ? undefined : inner)));
}

async function monitorWithWork(t: TestContext): Promise<PerformanceMonitor> {
	const monitor = new PerformanceMonitor({name: 'orders', samplers: false, alerts: false, socket: join(tempDir(t), 'h.sock')});
	await monitor.start({strict: true});
	t.after(() => monitor.stop());
	const db = {
		query: (n: number) => n + 1,
		fail: () => {
			throw new Error('db down');
		},
	};
	monitor.instrument('db', db);
	for (let i = 0; i < 25; i++) db.query(i);
	for (let i = 0; i < 3; i++) assert.throws(() => db.fail());
	monitor.wrap(() => 1, {op: 'render'})();
	return monitor;
}

test('--once --json prints a snapshot that parses and agrees with the host summary', async t => {
	const monitor = await monitorWithWork(t);
	const io = capture();
	assert.equal(await runOnce({socket: monitor.server!.path, json: true, ...io}), 0);
	const snapshot = JSON.parse(io.printed()) as Snapshot;
	const summary = monitor.getPerformanceSummary();
	// Everything but the recent-window rates, which move with the clock between the two readings.
	assert.deepEqual(settled(snapshot.plugins), settled(summary.plugins));
	assert.deepEqual(settled(snapshot.series), settled(summary.series));
	assert.equal(snapshot.plugins.find(plugin => plugin.name === 'db')?.calls.count, 28);
	assert.equal(snapshot.plugins.find(plugin => plugin.name === 'db')?.calls.errors, 3);
	assert.equal(io.complained(), '');
});

test('--once prints a readable table of plugins, their operations, calls, percentiles and errors', async t => {
	const monitor = await monitorWithWork(t);
	const io = capture();
	assert.equal(await runOnce({socket: monitor.server!.path, json: false, ...io}), 0);
	const text = io.printed();
	assert.match(text, /^orders pid \d+ on /);
	assert.match(text, /PLUGIN \/ OP\s+CALLS\s+P50\s+P95\s+P99\s+MAX\s+ERRORS/);
	assert.match(text, /^db \[loaded\]\s+28\s.*3 \(10\.7%\)$/m);
	assert.match(text, /^ {2}query\s+25\s/m);
	assert.match(text, /^ {2}fail\s+3\s.*3 \(100\.0%\)$/m);
	assert.match(text, /^render\s+1\s/m);
	assert.match(text, /no active alerts/);
});

test('--once against a missing socket says so and exits 1', async t => {
	const io = capture();
	const path = join(tempDir(t), 'gone.sock');
	assert.equal(await runOnce({socket: path, json: true, ...io}), 1);
	assert.equal(io.complained(), `perftop: no host at ${path} (no such socket)\n`);
	assert.equal(io.printed(), '');
});

test('export writes a JSON file that parses, and refuses to overwrite it without --force', async t => {
	const monitor = await monitorWithWork(t);
	const out = join(tempDir(t), 'metrics.json');
	const io = capture();
	assert.equal(await runExport({socket: monitor.server!.path, format: 'json', out, ...io}), 0, io.complained());
	assert.match(io.printed(), new RegExp(`^wrote ${out} \\(\\d+ series\\)\\n$`));
	const data = JSON.parse(readFileSync(out, 'utf8')) as MetricsExport;
	assert.equal(data.format, 'perftop-export');
	assert.equal(data.series.find(series => series.op === 'query')?.count, 25);
	writeFileSync(out, 'older export');
	const again = capture();
	assert.equal(await runExport({socket: monitor.server!.path, format: 'json', out, ...again}), 1);
	assert.match(again.complained(), /already exists; use --force/);
	assert.equal(readFileSync(out, 'utf8'), 'older export');
	assert.equal(await runExport({socket: monitor.server!.path, format: 'csv', out, force: true, ...capture()}), 0);
	assert.match(readFileSync(out, 'utf8'), /^plugin,op,kind,count/);
});

test('export writes under the default name in the given directory', async t => {
	const monitor = await monitorWithWork(t);
	const dir = tempDir(t);
	const io = capture();
	assert.equal(await runExport({socket: monitor.server!.path, format: 'csv', dir, ...io}), 0, io.complained());
	const path = io.printed().match(/^wrote (\S+)/)![1]!;
	assert.match(path, new RegExp(`^${dir}/perftop-orders-\\d{8}T\\d{6}Z\\.csv$`));
	assert.equal(readFileSync(path, 'utf8').split('\n')[0], 'plugin,op,kind,count,errors,p50_ms,p95_ms,p99_ms,max_ms,mean_ms,rate_per_s');
});
