/**
 * The HTTP API: parses requests, calls the plugins' hooks through the plugin manager, and answers JSON.
 * A route whose hook no loaded plugin implements answers 503; a plugin error answers its statusCode
 * (or 500) with the message.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {PluginManager} from 'perftop';
import type {ActivityEntry, Receipt, RequestInfo, ShippingQuote} from './hooks.js';
import type {OrderChange} from './order-store.js';
import {isStatus, parseListQuery, parseNewOrder, RequestError, type Order, type OrderPage, type OrderStats} from './orders.js';

const MAX_BODY_BYTES = 64 * 1024;

type Handler = (request: IncomingMessage, url: URL, id: number) => Promise<unknown>;

interface Route {
	method: string;
	pattern: RegExp;
	handler: Handler;
}

/** Reports basic facts for GET /health. */
export type HealthSource = () => Record<string, unknown>;

/** Builds the request listener of the orders API over `manager`'s hooks. */
export function createApi(manager: PluginManager, health: HealthSource): (request: IncomingMessage, response: ServerResponse) => void {
	/** Calls the first implementation of a hook; 503 when no loaded plugin implements it. */
	async function first<T>(hook: string, ...args: unknown[]): Promise<T> {
		const result = await manager.callHookFirst(hook, ...args);
		if (result === undefined) throw new RequestError(`no loaded plugin provides '${hook}'`, 503);
		return result as T;
	}

	async function changed(change: OrderChange | undefined): Promise<Order> {
		if (!change) throw new RequestError('order not found', 404);
		await manager.callHookParallel('orderChanged', change);
		return change.after;
	}

	const found = <T>(value: T | undefined | null): T => {
		if (value === undefined || value === null) throw new RequestError('order not found', 404);
		return value;
	};

	const routes: Route[] = [
		{method: 'GET', pattern: /^\/health$/, handler: async () => health()},
		{method: 'GET', pattern: /^\/orders$/, handler: async (_request, url) => first<OrderPage>('listOrders', parseListQuery(url.searchParams))},
		{method: 'POST', pattern: /^\/orders$/, handler: async request => changed(await first<OrderChange>('createOrder', parseNewOrder(await readJson(request))))},
		{method: 'GET', pattern: /^\/orders\/stats$/, handler: async () => first<OrderStats>('orderStats')},
		{method: 'GET', pattern: /^\/orders\/(\d+)$/, handler: async (_request, _url, id) => found(await manager.callHookFirst('getOrder', id))},
		{
			method: 'PATCH',
			pattern: /^\/orders\/(\d+)$/,
			handler: async (request, _url, id) => {
				const body = (await readJson(request)) as {status?: unknown} | null;
				if (!isStatus(body?.status)) throw new RequestError('body must be {"status": <order status>}');
				return changed((await manager.callHookFirst('setOrderStatus', id, body.status)) as OrderChange | undefined);
			},
		},
		{method: 'GET', pattern: /^\/orders\/(\d+)\/receipt$/, handler: async (_request, _url, id) => found(await first<Receipt | null>('getReceipt', id))},
		{method: 'GET', pattern: /^\/orders\/(\d+)\/recommendations$/, handler: async (_request, _url, id) => found(await first<Order[] | null>('recommend', id))},
		{method: 'GET', pattern: /^\/orders\/(\d+)\/shipping-quote$/, handler: async (_request, _url, id) => found(await first<ShippingQuote | null>('quoteShipping', id))},
		{method: 'POST', pattern: /^\/orders\/(\d+)\/payment$/, handler: async (_request, _url, id) => first('chargeOrder', id)},
		{method: 'GET', pattern: /^\/activity$/, handler: async () => first<ActivityEntry[]>('recentActivity', 20)},
	];

	return (request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const info: RequestInfo = {method: request.method ?? 'GET', path: url.pathname, userAgent: request.headers['user-agent'] ?? null, at: Date.now()};
		void handle(request, url, info).then(
			body => send(response, 200, body),
			(error: unknown) => {
				const status = statusOf(error);
				send(response, status, {error: error instanceof Error ? error.message : String(error)});
			},
		);
	};

	async function handle(request: IncomingMessage, url: URL, info: RequestInfo): Promise<unknown> {
		manager.callHook('onRequest', info);
		let allowed: string[] = [];
		for (const route of routes) {
			const match = route.pattern.exec(url.pathname);
			if (!match) continue;
			if (route.method !== request.method) {
				allowed.push(route.method);
				continue;
			}
			return route.handler(request, url, match[1] === undefined ? 0 : Number(match[1]));
		}
		allowed = [...new Set(allowed)];
		throw new RequestError(allowed.length > 0 ? `method not allowed (allowed: ${allowed.join(', ')})` : 'not found', allowed.length > 0 ? 405 : 404);
	}
}

function statusOf(error: unknown): number {
	const status = (error as {statusCode?: unknown} | null)?.statusCode;
	return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function send(response: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text)});
	response.end(text);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw new RequestError('body too large', 413);
		chunks.push(chunk);
	}
	if (size === 0) return null;
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		throw new RequestError('body is not valid JSON');
	}
}
