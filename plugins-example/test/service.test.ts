import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {startOrdersService, type OrdersService} from '../app/service.js';
import {tempDir} from './helpers/host-process.js';

// One service for the file: seeding 100k orders once is enough.
let service: OrdersService;
let removeDir: () => void;

before(async () => {
	const temp = tempDir();
	removeDir = temp.remove;
	service = await startOrdersService({
		name: 'service-test',
		dataDir: temp.dir,
		samplers: {intervalMs: 1000},
		pluginOptions: {'shipping-rates': {failureShare: 0.5}, recommendations: {slowShare: 0}},
	});
});

after(async () => {
	await service?.close();
	removeDir?.();
});

async function call(method: string, path: string, body?: unknown): Promise<{status: number; body: any}> {
	const response = await fetch(service.url + path, {method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : {'content-type': 'application/json'}});
	return {status: response.status, body: await response.json()};
}

const cache = () => service.monitor.cacheSummaries()?.find(summary => summary.name === 'order-queries');

test('every plugin but payments loads; payments is shown as failed with its reason', () => {
	const plugins = new Map(service.monitor.getPerformanceSummary().plugins.map(plugin => [plugin.name, plugin]));
	for (const name of ['database', 'query-cache', 'table-view', 'receipts', 'recommendations', 'shipping-rates', 'activity-feed']) {
		assert.equal(plugins.get(name)?.state, 'loaded', name);
		assert.ok((plugins.get(name)?.loadMs ?? -1) >= 0, `${name} has a load time`);
	}
	assert.equal(plugins.get('payments')?.state, 'failed');
	assert.match(plugins.get('payments')?.error ?? '', /PAYMENTS_API_KEY/);
});

test('GET /orders pages, sorts and filters the table', async () => {
	const {status, body} = await call('GET', '/orders?status=delivered&sort=total&dir=desc&pageSize=10&page=2');
	assert.equal(status, 200);
	assert.equal(body.rows.length, 10);
	assert.equal(body.page, 2);
	assert.ok(body.rows.every((order: {status: string}) => order.status === 'delivered'));
	const totals = body.rows.map((order: {totalCents: number}) => order.totalCents);
	assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
	assert.ok(body.total > 10_000 && body.total < 100_000);
});

test('bad table parameters answer 400 naming the parameter', async () => {
	const {status, body} = await call('GET', '/orders?sort=price');
	assert.equal(status, 400);
	assert.match(body.error, /sort must be one of/);
	assert.equal((await call('GET', '/orders?pageSize=1000')).status, 400);
});

test('a repeated table query is a cache hit, and a write to a matching order is seen at once', async () => {
	const path = '/orders?status=pending&sort=id&dir=asc&pageSize=5';
	const first = await call('GET', path);
	const hitsBefore = cache()?.hits ?? 0;
	const again = await call('GET', path);
	assert.deepEqual(again.body, first.body);
	assert.equal(cache()?.hits, hitsBefore + 1);

	const moved = first.body.rows[0].id;
	const patch = await call('PATCH', `/orders/${moved}`, {status: 'paid'});
	assert.equal(patch.status, 200);
	assert.equal(patch.body.status, 'paid');
	const after = await call('GET', path);
	assert.ok(!after.body.rows.some((order: {id: number}) => order.id === moved), 'the order that left the pending status is still listed');
	assert.equal(after.body.total, first.body.total - 1);
});

test('statistics follow new orders', async () => {
	const before = (await call('GET', '/orders/stats')).body;
	const created = await call('POST', '/orders', {customer: 'Test Customer', totalCents: 1234, items: 2, country: 'NL'});
	assert.equal(created.status, 200);
	assert.equal(created.body.status, 'pending');
	const afterStats = (await call('GET', '/orders/stats')).body;
	assert.equal(afterStats.orders, before.orders + 1);
	assert.equal(afterStats.byStatus.pending.orders, before.byStatus.pending.orders + 1);
	assert.equal((await call('GET', `/orders/${created.body.id}`)).body.customer, 'Test Customer');
});

test('receipts are rendered once and re-rendered after the order changes', async () => {
	const first = await call('GET', '/orders/77/receipt');
	assert.equal(first.status, 200);
	assert.equal(first.body.lines.reduce((sum: number, line: {amountCents: number}) => sum + line.amountCents, 0), first.body.totalCents);
	const again = await call('GET', '/orders/77/receipt');
	assert.equal(again.body.renderedAt, first.body.renderedAt, 'the second read should come from the stored file');
	await call('PATCH', '/orders/77', {status: 'refunded'});
	const rerendered = await call('GET', '/orders/77/receipt');
	assert.equal(rerendered.body.status, 'refunded');
	assert.equal((await call('GET', '/orders/900000/receipt')).status, 404);
});

test('shipping quote failures answer 502 and count as errors of shipping-rates', async () => {
	const statuses = new Set<number>();
	for (let index = 0; index < 40; index++) statuses.add((await call('GET', `/orders/${index + 1}/shipping-quote`)).status);
	assert.deepEqual([...statuses].sort(), [200, 502]);
	const plugin = service.monitor.getPluginPerformance('shipping-rates');
	const quote = plugin?.hooks.find(series => series.op === 'quoteShipping');
	assert.equal(quote?.count, 40);
	assert.ok((quote?.errors ?? 0) > 0);
	assert.equal(service.monitor.getPluginPerformance('receipts')?.calls.errors, 0);
});

test('routes of the failed plugin answer 503 while the rest of the service works', async () => {
	const payment = await call('POST', '/orders/5/payment');
	assert.equal(payment.status, 503);
	assert.match(payment.body.error, /chargeOrder/);
	assert.equal((await call('GET', '/orders/5/recommendations')).status, 200);
});

test('every request passes through the activity feed, newest first', async () => {
	await call('GET', '/orders/31');
	const {body} = await call('GET', '/activity');
	assert.deepEqual(body.slice(0, 2).map((entry: {path: string}) => entry.path), ['/activity', '/orders/31']);
	assert.ok((service.monitor.getPluginPerformance('activity-feed')?.hooks.find(series => series.op === 'onRequest')?.count ?? 0) >= 2);
});

test('unknown paths answer 404 and wrong methods 405', async () => {
	assert.equal((await call('GET', '/nope')).status, 404);
	assert.equal((await call('DELETE', '/orders/1')).status, 405);
});
