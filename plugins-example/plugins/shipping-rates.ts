/**
 * shipping-rates: quotes shipping for an order from a (simulated) carrier API that is unreliable:
 * a share of calls (default 10 %) fails with a carrier error, answered as 502 Bad Gateway.
 */
import {setTimeout as sleep} from 'node:timers/promises';
import type {Plugin} from 'perftop';
import type {HookImplementations, ShippingQuote} from '../app/hooks.js';
import {appServices, type AppServices} from '../app/services.js';

/** The carrier did not answer properly. */
export class CarrierError extends Error {
	readonly statusCode = 502;
	constructor(message: string) {
		super(message);
		this.name = 'CarrierError';
	}
}

const CARRIERS = ['DHL', 'UPS', 'PostNL', 'DPD'];

/** The shipping-rates plugin (fails now and then); a factory. */
export default function shippingRatesPlugin(): Plugin {
	let app: AppServices | null = null;
	let failureShare = 0.1;

	const hooks = {
		async quoteShipping(id): Promise<ShippingQuote | null> {
			if (!app) throw new Error('shipping-rates: not set up');
			const order = app.use('orders').get(id);
			if (!order) return null;
			// The carrier's API answers in a few milliseconds, when it answers.
			await sleep(1 + Math.random() * 4);
			if (Math.random() < failureShare) throw new CarrierError('carrier API timed out');
			const carrier = CARRIERS[order.id % CARRIERS.length]!;
			return {orderId: order.id, carrier, service: order.items > 5 ? 'freight' : 'parcel', priceCents: 490 + order.items * 120, etaDays: 1 + (order.id % 4)};
		},
	} satisfies HookImplementations;

	return {
		name: 'shipping-rates',
		version: '1.0.0',
		hooks,
		setup(context) {
			app = appServices(context);
			const share = context.options['failureShare'];
			if (typeof share === 'number' && share >= 0 && share <= 1) failureShare = share;
		},
	};
}
