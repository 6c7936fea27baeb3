/**
 * database: opens (and on first run seeds) the SQLite orders database and provides the `orders` store to
 * the other plugins. Every statement is timed as an operation of this plugin, named by its normalized
 * SQL text. Also serves single orders and the writes.
 */
import {join} from 'node:path';
import type {Plugin} from 'perftop';
import type {HookImplementations} from '../app/hooks.js';
import {MonitoredDatabase} from '../app/monitored-db.js';
import {OrderStore} from '../app/order-store.js';
import {openOrdersDatabase} from '../app/seed.js';
import {appServices, type AppServices} from '../app/services.js';

/** The database plugin; a factory, so each load gets its own connection. */
export default function databasePlugin(): Plugin {
	let store: OrderStore | null = null;
	let app: AppServices | null = null;
	const orders = (): OrderStore => {
		if (!store) throw new Error('database: not set up');
		return store;
	};

	const hooks = {
		getOrder: id => orders().get(id),
		setOrderStatus: (id, status) => orders().setStatus(id, status),
		createOrder: input => orders().create(input),
	} satisfies HookImplementations;

	return {
		name: 'database',
		version: '1.0.0',
		hooks,
		setup(context) {
			app = appServices(context);
			const rows = typeof context.options['rows'] === 'number' ? context.options['rows'] : undefined;
			const db = openOrdersDatabase(join(app.dataDir, 'orders.db'), {rows});
			store = new OrderStore(new MonitoredDatabase(db, app.monitor, context.name));
			app.provide('orders', store);
		},
		teardown() {
			app?.withdraw('orders');
			store?.database.close();
			store = null;
		},
	};
}
