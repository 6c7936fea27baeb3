/**
 * table-view: the orders table of the back office — paging, sorting and filtering 100k orders, plus the
 * per-status statistics above it. Results go through the query cache when that plugin is loaded.
 */
import type {Plugin} from 'perftop';
import type {HookImplementations} from '../app/hooks.js';
import {QueryCache} from '../app/query-cache.js';
import {appServices, type AppServices} from '../app/services.js';

/** The table-view plugin; a factory. */
export default function tableViewPlugin(): Plugin {
	let app: AppServices | null = null;
	const services = (): AppServices => {
		if (!app) throw new Error('table-view: not set up');
		return app;
	};

	const hooks = {
		listOrders(query) {
			const orders = services().use('orders');
			const cache = services().find('queryCache');
			if (!cache) return orders.list(query);
			const key = QueryCache.listKey(query.status ?? 'any', `${query.sort}:${query.dir}:${query.customer ?? ''}:${query.page}:${query.pageSize}`);
			return cache.get(key, () => orders.list(query));
		},
		orderStats() {
			const orders = services().use('orders');
			const cache = services().find('queryCache');
			return cache ? cache.get('stats', () => orders.stats()) : orders.stats();
		},
	} satisfies HookImplementations;

	return {
		name: 'table-view',
		version: '1.0.0',
		hooks,
		setup(context) {
			app = appServices(context);
		},
	};
}
