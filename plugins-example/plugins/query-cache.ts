/**
 * query-cache: keeps query results (table pages, statistics) in a perftop cache and drops the affected
 * ones whenever an order is written.
 */
import type {Plugin} from 'perftop';
import type {HookImplementations} from '../app/hooks.js';
import {QueryCache} from '../app/query-cache.js';
import {appServices, type AppServices} from '../app/services.js';

/** The query-cache plugin; a factory, so each load gets its own cache. */
export default function queryCachePlugin(): Plugin {
	let cache: QueryCache | null = null;
	let app: AppServices | null = null;

	const hooks = {
		orderChanged(change) {
			cache?.invalidate(change);
		},
	} satisfies HookImplementations;

	return {
		name: 'query-cache',
		version: '1.0.0',
		hooks,
		setup(context) {
			app = appServices(context);
			const max = typeof context.options['max'] === 'number' ? context.options['max'] : 5000;
			cache = new QueryCache(app.monitor.createCache<string, object>('order-queries', {max, ttlMs: 5 * 60_000}));
			app.provide('queryCache', cache);
		},
		teardown() {
			app?.withdraw('queryCache');
			cache = null;
		},
	};
}
