import assert from 'node:assert/strict';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test, type TestContext} from 'node:test';
import {CACHE_CSV_COLUMNS, CSV_COLUMNS, PLUGIN_CSV_COLUMNS} from '../../source/commands/export-file.js';
import {runExport} from '../../source/commands/export.js';
import {formatSnapshot, runOnce} from '../../source/commands/once.js';
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
	assert.equal(io.complained(), `perftop: no host at ${path} (no such socket); 'perftop list' shows the hosts on this machine\n`);
	assert.equal(io.printed(), '');
});

test('--once and export name a regular file or a directory given as the socket, instead of calling it stale', async t => {
	const dir = tempDir(t);
	const file = join(dir, 'notes.txt');
	writeFileSync(file, 'not a socket');
	for (const run of [(socket: string, io: ReturnType<typeof capture>) => runOnce({socket, json: false, ...io}), (socket: string, io: ReturnType<typeof capture>) => runExport({socket, format: 'json', dir, ...io})]) {
		const onFile = capture();
		assert.equal(await run(file, onFile), 1);
		assert.equal(onFile.complained(), `perftop: ${file} is a regular file, not a host's socket\n`);
		const onDir = capture();
		assert.equal(await run(dir, onDir), 1);
		assert.equal(onDir.complained(), `perftop: ${dir} is a directory, not a host's socket ('perftop list --dir ${dir}' lists the hosts in it)\n`);
		assert.doesNotMatch(onFile.complained() + onDir.complained(), /stale/);
	}
});

test('--once on a terminal fits its width: long names shortened in the middle, numbers whole', async t => {
	const monitor = await monitorWithWork(t);
	const long = (table: string) => `SELECT id, status, total FROM orders WHERE customer_id = ? AND status = ? ORDER BY created_at DESC LIMIT ? -- ${table}`;
	for (const table of ['first', 'second']) monitor.wrap(() => 1, {op: long(table)})();
	const snapshot = monitor.snapshot();
	const wide = formatSnapshot(snapshot);
	assert.ok(wide.split('\n').some(line => line.length > 120), 'without a width the names stay whole');
	assert.match(wide, /LIMIT \? -- first/);
	const fitted = formatSnapshot(snapshot, {width: 80});
	const rows = fitted.split('\n').filter(line => line.startsWith('SELECT'));
	assert.equal(rows.length, 2);
	for (const line of fitted.split('\n').slice(2)) assert.ok(line.length <= 80, `fits 80 columns: ${line}`);
	assert.match(rows[0]!, /^SELECT id.*….*-- first\s+1\s/, 'start and end kept, the call count whole');
	assert.match(rows[1]!, /^SELECT id.*….*-- second\s+1\s/);
});

test('--once says the event loop is not sampled before its histogram has samples, not loop p99 0µs', async t => {
	const monitor = await monitorWithWork(t);
	const snapshot = monitor.snapshot();
	const process = {sampledAt: 0, uptimeS: 1, rss: 50 * 2 ** 20, heapUsed: 2 ** 20, heapTotal: 2 ** 21, external: 0, arrayBuffers: 0, cpuPercent: null, gc: null, baselineRss: null, budgetRss: null, rssHistory: []};
	const fresh = formatSnapshot({...snapshot, process: {...process, eventLoop: {p50Ms: 0, p99Ms: 0, maxMs: 0, utilization: 0}}});
	assert.match(fresh, /loop not sampled/);
	assert.doesNotMatch(fresh, /loop p99 0µs/);
	assert.match(formatSnapshot({...snapshot, process: {...process, eventLoop: null}}), /loop not sampled/);
	assert.match(formatSnapshot({...snapshot, process: {...process, eventLoop: {p50Ms: 0.5, p99Ms: 2.5, maxMs: 3, utilization: 0.1}}}), /loop p99 2\.50ms/);
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
	assert.equal(readFileSync(path, 'utf8').split('\n')[0], CSV_COLUMNS.join(','));
});

test('a CSV export writes the plugins (failed ones with their error) and the caches beside the series', async t => {
	const monitor = await monitorWithWork(t);
	assert.throws(() =>
		monitor.measureLoad('broken', () => {
			throw new Error('missing config');
		}),
	);
	const cache = monitor.createCache('sessions', {max: 10});
	cache.set('a', 1);
	cache.get('a');
	cache.get('b');
	const dir = tempDir(t);
	const io = capture();
	assert.equal(await runExport({socket: monitor.server!.path, format: 'csv', out: join(dir, 'run.csv'), ...io}), 0, io.complained());
	assert.match(io.printed(), new RegExp(`^wrote ${dir}/run\\.csv \\(\\d+ series\\)\nand ${dir}/run-plugins\\.csv, ${dir}/run-caches\\.csv \\(2 plugins, 1 caches\\)\n$`));
	const plugins = readFileSync(join(dir, 'run-plugins.csv'), 'utf8').trimEnd().split('\n');
	assert.equal(plugins[0], PLUGIN_CSV_COLUMNS.join(','));
	const column = (name: (typeof PLUGIN_CSV_COLUMNS)[number]) => PLUGIN_CSV_COLUMNS.indexOf(name);
	const db = plugins.find(line => line.startsWith('db,'))!.split(',');
	assert.equal(db[column('state')], 'loaded');
	assert.equal(db[column('calls')], '28');
	assert.equal(db[column('errors')], '3');
	const broken = plugins.find(line => line.startsWith('broken,'))!.split(',');
	assert.equal(broken[column('state')], 'failed');
	assert.match(broken[column('error')]!, /missing config/);
	const caches = readFileSync(join(dir, 'run-caches.csv'), 'utf8').trimEnd().split('\n');
	assert.equal(caches[0], CACHE_CSV_COLUMNS.join(','));
	const sessions = caches[1]!.split(',');
	const cacheColumn = (name: (typeof CACHE_CSV_COLUMNS)[number]) => CACHE_CSV_COLUMNS.indexOf(name);
	assert.deepEqual([sessions[cacheColumn('cache')], sessions[cacheColumn('size')], sessions[cacheColumn('max')], sessions[cacheColumn('hits')], sessions[cacheColumn('misses')], sessions[cacheColumn('hit_ratio')]], ['sessions', '1', '10', '1', '1', '0.5']);

	writeFileSync(join(dir, 'again-caches.csv'), 'keep');
	const refused = capture();
	assert.equal(await runExport({socket: monitor.server!.path, format: 'csv', out: join(dir, 'again.csv'), ...refused}), 1);
	assert.equal(refused.complained(), `perftop: ${join(dir, 'again-caches.csv')} already exists; use --force to overwrite it\n`);
	assert.throws(() => readFileSync(join(dir, 'again.csv')), 'nothing is written when one of the files exists');
});

test('export into a missing directory names the directory', async t => {
	const monitor = await monitorWithWork(t);
	const missing = join(tempDir(t), 'no', 'such');
	for (const options of [{out: join(missing, 'm.json')}, {dir: missing}]) {
		const io = capture();
		assert.equal(await runExport({socket: monitor.server!.path, format: 'json', ...options, ...io}), 1);
		assert.match(io.complained(), new RegExp(`^perftop: cannot write .*${missing}.*(does not exist|no such directory)\n$`));
		assert.doesNotMatch(io.complained(), /ENOENT/);
	}
	mkdirSync(missing, {recursive: true});
	assert.equal(await runExport({socket: monitor.server!.path, format: 'json', dir: missing, ...capture()}), 0);
});
