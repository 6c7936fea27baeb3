import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import type {Snapshot} from 'perftop';
import {startHost, tempDir, watch} from './helpers/host-process.js';

const LOADED = ['database', 'query-cache', 'table-view', 'receipts', 'recommendations', 'shipping-rates', 'activity-feed'];

function everyPluginServed(snapshot: Snapshot): boolean {
	const byName = new Map(snapshot.plugins.map(plugin => [plugin.name, plugin]));
	return LOADED.every(name => byName.get(name)?.state === 'loaded' && (byName.get(name)?.calls.count ?? 0) > 0) && byName.get('payments')?.state === 'failed';
}

test('headless host: the socket serves every plugin, the SQL operations and the cache', async t => {
	const temp = tempDir();
	const host = await startHost(['--socket', join(temp.dir, 'h.sock'), '--data-dir', join(temp.dir, 'data'), '--rate', '150']);
	t.after(async () => {
		await host.stop();
		temp.remove();
	});
	assert.equal(host.ready.socket, join(temp.dir, 'h.sock'));
	assert.deepEqual(Object.entries(host.ready.plugins).filter(([, state]) => state === 'failed').map(([name]) => name), ['payments']);

	const watcher = watch(host.ready.socket!, 250);
	t.after(() => watcher.close());
	const snapshot = await watcher.until(s => everyPluginServed(s) && (s.caches?.[0]?.hits ?? 0) > 0, 30_000, 'calls to every plugin and cache hits');

	const database = snapshot.plugins.find(plugin => plugin.name === 'database')!;
	const sql = database.hooks.filter(series => /^(SELECT|UPDATE|INSERT)\b/.test(series.op));
	assert.ok(sql.length >= 3, `SQL operations: ${sql.map(series => series.op).join(' | ')}`);
	assert.ok(sql.every(series => series.kind === 'operation' && series.count > 0));
	assert.ok(sql.some(series => series.op === 'SELECT * FROM orders WHERE id = ?'));

	const shipping = snapshot.plugins.find(plugin => plugin.name === 'shipping-rates')!;
	assert.equal(shipping.hooks.find(series => series.op === 'quoteShipping')?.kind, 'hook');
	const payments = snapshot.plugins.find(plugin => plugin.name === 'payments')!;
	assert.match(payments.error ?? '', /PAYMENTS_API_KEY/);

	const cache = snapshot.caches?.find(summary => summary.name === 'order-queries');
	assert.ok(cache, 'the order-queries cache is listed');
	assert.ok(cache.sets > 0 && cache.hits > 0 && cache.misses > 0);
	assert.ok(cache.hitRatio !== null && cache.hitRatio > 0 && cache.hitRatio < 1);

	assert.equal(await host.stop(), 0, 'SIGTERM stops the host cleanly');
});

test('headless host: the leaky plugin raises the memory-budget and heap-growth alerts (thresholds lowered)', async t => {
	const temp = tempDir();
	const host = await startHost([
		'--socket', join(temp.dir, 'h.sock'),
		'--data-dir', join(temp.dir, 'data'),
		'--rate', '200',
		'--exclude', 'recommendations,shipping-rates,receipts',
		// 32 KiB kept per request: tens of MB within seconds instead of minutes.
		'--leak-bytes', '32768',
		'--memory-increase', '0.1',
		'--sample-ms', '250',
		'--warmup-ms', '1000',
		'--heap-growth-ms', '2000',
		// V8 spaces major GCs further apart as the heap grows: two rises in a row take ~10 s on an idle machine.
		'--heap-growth-gcs', '2',
	]);
	t.after(async () => {
		await host.stop();
		temp.remove();
	});
	const watcher = watch(host.ready.socket!, 250);
	t.after(() => watcher.close());
	const rules = (snapshot: Snapshot): Set<string> => new Set(snapshot.alerts.filter(alert => alert.state === 'active').map(alert => alert.rule));
	const snapshot = await watcher.until(s => rules(s).has('memory-budget') && rules(s).has('heap-growth'), 150_000, 'memory-budget and heap-growth alerts').catch((error: Error) => {
		const last = watcher.latest();
		throw new Error(`${error.message}; last alerts: ${JSON.stringify(last?.alerts)}; rss ${last?.process?.rss} baseline ${last?.process?.baselineRss}`);
	});
	const budget = snapshot.alerts.find(alert => alert.rule === 'memory-budget')!;
	assert.equal(budget.subject, 'process');
	assert.ok(budget.value > budget.threshold);
	assert.ok(snapshot.process!.rss > snapshot.process!.budgetRss!);
});
