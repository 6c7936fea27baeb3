import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {PerformanceMonitor} from 'perftop';
import {MonitoredDatabase} from '../app/monitored-db.js';
import {OrderStore} from '../app/order-store.js';
import {ORDER_STATUSES, type ListQuery, type Order} from '../app/orders.js';
import {openOrdersDatabase} from '../app/seed.js';
import {tempDir} from './helpers/host-process.js';

const query = (overrides: Partial<ListQuery> = {}): ListQuery => ({page: 1, pageSize: 25, sort: 'created', dir: 'desc', status: null, customer: null, ...overrides});

function setup(t: import('node:test').TestContext, rows = 100_000): {store: OrderStore; monitor: PerformanceMonitor; file: string} {
	const temp = tempDir();
	const file = join(temp.dir, 'orders.db');
	const monitor = new PerformanceMonitor({name: 'store-test', samplers: false, alerts: false});
	const store = new OrderStore(new MonitoredDatabase(openOrdersDatabase(file, {rows}), monitor, 'database'));
	t.after(() => {
		store.database.close();
		temp.remove();
	});
	return {store, monitor, file};
}

function isSorted(rows: Order[], key: (order: Order) => number | string, dir: 'asc' | 'desc'): boolean {
	for (let index = 1; index < rows.length; index++) {
		const a = key(rows[index - 1]!);
		const b = key(rows[index]!);
		if (dir === 'asc' ? a > b : a < b) return false;
	}
	return true;
}

test('a new database is seeded with 100 000 orders of every status, once', t => {
	const {store, file} = setup(t);
	const stats = store.stats();
	assert.equal(stats.orders, 100_000);
	for (const status of ORDER_STATUSES) assert.ok((stats.byStatus[status]?.orders ?? 0) > 0, `no ${status} orders`);
	store.create({customer: 'Reopen Check', totalCents: 100, items: 1, country: 'DE'});
	const again = openOrdersDatabase(file);
	t.after(() => again.close());
	assert.equal((again.prepare('SELECT count(*) AS n FROM orders').get() as {n: number}).n, 100_001, 'reopening must not seed again');
});

test('pages are consecutive slices of the sorted, filtered table', t => {
	const {store} = setup(t, 5000);
	const first = store.list(query({sort: 'total', dir: 'asc', status: 'shipped', pageSize: 50}));
	const second = store.list(query({sort: 'total', dir: 'asc', status: 'shipped', pageSize: 50, page: 2}));
	const both = store.list(query({sort: 'total', dir: 'asc', status: 'shipped', pageSize: 100}));
	assert.equal(first.rows.length, 50);
	assert.deepEqual([...first.rows, ...second.rows].map(order => order.id), both.rows.map(order => order.id));
	assert.ok(both.rows.every(order => order.status === 'shipped'));
	assert.ok(isSorted(both.rows, order => order.totalCents, 'asc'));
	assert.equal(first.total, store.stats().byStatus['shipped']!.orders);
	assert.equal(first.pages, Math.ceil(first.total / 50));
});

test('every sort key orders the rows in both directions', t => {
	const {store} = setup(t, 5000);
	const keys = {id: (o: Order) => o.id, created: (o: Order) => o.createdAt, total: (o: Order) => o.totalCents, customer: (o: Order) => o.customer.toLowerCase(), items: (o: Order) => o.items} as const;
	for (const [sort, key] of Object.entries(keys)) {
		for (const dir of ['asc', 'desc'] as const) {
			const page = store.list(query({sort: sort as ListQuery['sort'], dir, pageSize: 100}));
			assert.ok(isSorted(page.rows, key, dir), `${sort} ${dir}`);
		}
	}
});

test('the customer filter is a case-insensitive prefix, and LIKE wildcards in it are literal', t => {
	const {store} = setup(t, 5000);
	const page = store.list(query({customer: 'acme', pageSize: 100}));
	assert.ok(page.total > 0);
	assert.ok(page.rows.every(order => order.customer.startsWith('Acme ')));
	assert.equal(store.list(query({customer: '%'})).total, 0);
	assert.equal(store.list(query({customer: 'A_me'})).total, 0);
});

test('a status change is visible to the next query', t => {
	const {store} = setup(t, 5000);
	const target = store.list(query({status: 'pending'})).rows[0]!;
	const change = store.setStatus(target.id, 'refunded');
	assert.equal(change?.before?.status, 'pending');
	assert.equal(store.get(target.id)?.status, 'refunded');
	assert.equal(store.setStatus(999_999, 'paid'), undefined);
});

test('queries are recorded as operations of the database plugin, named by SQL text without values', t => {
	const {store, monitor} = setup(t, 5000);
	store.list(query({status: 'cancelled', customer: 'Globex'}));
	store.get(4242);
	const hooks = monitor.getPluginPerformance('database')?.hooks ?? [];
	const ops = hooks.map(series => series.op);
	assert.ok(ops.includes('SELECT * FROM orders WHERE id = ?'), ops.join('\n'));
	assert.ok(ops.some(op => op.startsWith('SELECT * FROM orders WHERE status = ? AND customer LIKE ?')), ops.join('\n'));
	for (const op of ops) assert.doesNotMatch(op, /cancelled|Globex|4242/);
	assert.equal(hooks.find(series => series.op === 'SELECT * FROM orders WHERE id = ?')?.count, 1);
});
