/**
 * payments: charges orders through a payment provider. It needs credentials; without
 * PAYMENTS_API_KEY its setup fails, the plugin shows as failed, and the rest of the service runs on
 * (payment requests answer 503).
 */
import type {Plugin} from 'perftop';
import type {HookImplementations} from '../app/hooks.js';

/** The payments plugin (fails to load without credentials); a factory. */
export default function paymentsPlugin(): Plugin {
	let apiKey = '';

	const hooks = {
		async chargeOrder(id) {
			if (!apiKey) throw new Error('payments: not set up');
			return {orderId: id, charged: true};
		},
	} satisfies HookImplementations;

	return {
		name: 'payments',
		version: '1.0.0',
		hooks,
		setup(context) {
			const key = context.options['apiKey'] ?? process.env['PAYMENTS_API_KEY'];
			if (typeof key !== 'string' || key.length === 0) throw new Error('PAYMENTS_API_KEY is not set: the payments plugin needs the payment provider credentials');
			apiKey = key;
		},
	};
}
