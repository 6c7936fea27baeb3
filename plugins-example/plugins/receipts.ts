/**
 * receipts: renders an order's receipt once, stores it as a JSON file and serves it from disk afterwards
 * (asynchronous file I/O). A write to the order deletes its receipt, so the next read renders it again.
 */
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Plugin} from 'perftop';
import type {HookImplementations, Receipt} from '../app/hooks.js';
import type {Order} from '../app/orders.js';
import {appServices, type AppServices} from '../app/services.js';

function render(order: Order, now: number): Receipt {
	const unit = Math.floor(order.totalCents / order.items);
	const lines = Array.from({length: order.items}, (_, index) => ({
		description: `Item ${index + 1} of order ${order.id}`,
		amountCents: index === order.items - 1 ? order.totalCents - unit * (order.items - 1) : unit,
	}));
	return {orderId: order.id, customer: order.customer, status: order.status, lines, totalCents: order.totalCents, renderedAt: now};
}

/** The receipts plugin (asynchronous file I/O); a factory. */
export default function receiptsPlugin(): Plugin {
	let app: AppServices | null = null;
	let dir = '';
	const file = (id: number): string => join(dir, `${id}.json`);

	const hooks = {
		async getReceipt(id) {
			try {
				return JSON.parse(await readFile(file(id), 'utf8')) as Receipt;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			}
			if (!app) throw new Error('receipts: not set up');
			const order = app.use('orders').get(id);
			if (!order) return null;
			const receipt = render(order, Date.now());
			// Write to a private temporary name, then rename: readers never see half a file.
			const temporary = `${file(id)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
			await writeFile(temporary, JSON.stringify(receipt));
			await rename(temporary, file(id));
			return receipt;
		},
		async orderChanged(change) {
			await rm(file(change.after.id), {force: true});
		},
	} satisfies HookImplementations;

	return {
		name: 'receipts',
		version: '1.0.0',
		hooks,
		async setup(context) {
			app = appServices(context);
			dir = join(app.dataDir, 'receipts');
			await mkdir(dir, {recursive: true});
		},
	};
}
