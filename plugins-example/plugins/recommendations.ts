/**
 * recommendations: "customers who ordered this also ordered" — the customer's other recent orders.
 * Deliberately slow now and then: a share of calls (default 8 %) waits 50-300 ms, like a scoring
 * service with a cold cache.
 */
import {setTimeout as sleep} from 'node:timers/promises';
import type {Plugin} from 'perftop';
import type {HookImplementations} from '../app/hooks.js';
import {appServices, type AppServices} from '../app/services.js';

/** The recommendations plugin (slow now and then); a factory. */
export default function recommendationsPlugin(): Plugin {
	let app: AppServices | null = null;
	let slowShare = 0.08;

	const hooks = {
		async recommend(id) {
			if (!app) throw new Error('recommendations: not set up');
			const orders = app.use('orders');
			const order = orders.get(id);
			if (!order) return null;
			if (Math.random() < slowShare) await sleep(50 + Math.random() * 250);
			return orders.byCustomer(order.customer, order.id, 5);
		},
	} satisfies HookImplementations;

	return {
		name: 'recommendations',
		version: '1.0.0',
		hooks,
		setup(context) {
			app = appServices(context);
			const share = context.options['slowShare'];
			if (typeof share === 'number' && share >= 0 && share <= 1) slowShare = share;
		},
	};
}
