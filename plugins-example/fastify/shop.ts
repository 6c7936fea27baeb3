/**
 * The Fastify example: a small shop API whose features are Fastify plugins, the ecosystem's usual ones
 * (@fastify/cors, helmet, rate-limit, etag) and its own:
 *
 * - `catalog` (encapsulated): 5,000 products in memory; `GET /products` (paged, sorted), `GET /products/:id`;
 *   a `preValidation` hook that checks the paging query;
 * - `pricing` (fastify-plugin): adds a `preHandler` to every route marked `config: {priced: true}` from an
 *   `onRoute` hook (as rate-limit does), computing discounts synchronously;
 * - `search` (encapsulated, deliberately slow): `GET /search?q=` scans the catalog, then waits on a simulated
 *   upstream (random 5-40 ms);
 * - `cart` (encapsulated, flaky): `POST /cart` with a body schema; an async `onRequest` session check; about 2 %
 *   of requests fail with 503 (a simulated inventory service);
 * - `access-log` (fastify-plugin): an `onResponse` hook keeping the last 1,000 requests in a ring;
 * - and the app's own `onRequest` hook (a request counter), shown as `(app)`.
 *
 * The plugins know nothing of perftop: the host instruments the app from outside (see host.ts).
 */
import cors from '@fastify/cors';
import etag from '@fastify/etag';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type {FastifyInstance, FastifyPluginAsync, FastifyPluginCallback, FastifyReply, FastifyRequest} from 'fastify';
import fp from 'fastify-plugin';
import {random} from '../app/random.js';
import type {LoadRequest} from './load.js';

/** One product of the catalog. */
export interface Product {
	id: number;
	name: string;
	category: string;
	price: number;
	stock: number;
}

const CATEGORIES = ['books', 'garden', 'kitchen', 'music', 'outdoor', 'toys'];
const SORTS = ['id', 'name', 'price', 'stock'] as const;

/** A deterministic catalog of `count` products. */
export function makeCatalog(count = 5000, seed = 7): Product[] {
	const next = random(seed);
	return Array.from({length: count}, (_, index) => ({
		id: index + 1,
		name: `${CATEGORIES[index % CATEGORIES.length]}-item-${(next() * 1e6).toFixed(0)}`,
		category: CATEGORIES[index % CATEGORIES.length]!,
		price: Math.round(next() * 20_000) / 100,
		stock: Math.floor(next() * 100),
	}));
}

declare module 'fastify' {
	interface FastifyContextConfig {
		/** Routes whose answers carry prices get the pricing plugin's preHandler. */
		priced?: boolean;
	}
	interface FastifyRequest {
		discount?: number;
	}
}

const catalog: FastifyPluginAsync<{products: Product[]}> = async function catalog(instance, {products}) {
	const byId = new Map(products.map(product => [product.id, product]));
	// One sorted copy per sort key, made once.
	const sorted = Object.fromEntries(SORTS.map(key => [key, [...products].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0))])) as Record<(typeof SORTS)[number], Product[]>;
	instance.addHook('preValidation', async (request: FastifyRequest<{Querystring: {page?: string; sort?: string}}>, reply: FastifyReply) => {
		const {page, sort} = request.query;
		if (page !== undefined && !/^\d{1,4}$/.test(page)) return reply.code(400).send({error: 'page must be a number'});
		if (sort !== undefined && !(SORTS as readonly string[]).includes(sort)) return reply.code(400).send({error: `sort must be one of ${SORTS.join(', ')}`});
	});
	instance.get<{Querystring: {page?: string; sort?: (typeof SORTS)[number]}}>('/products', {config: {priced: true}}, async request => {
		const page = Number(request.query.page ?? 0);
		const sort = request.query.sort ?? 'id';
		const items = sorted[sort].slice(page * 20, page * 20 + 20);
		return {page, sort, items: items.map(item => ({...item, price: discounted(item.price, request.discount)}))};
	});
	instance.get<{Params: {id: string}}>('/products/:id', {config: {priced: true}}, async (request, reply) => {
		const product = byId.get(Number(request.params.id));
		if (!product) return reply.code(404).send({error: 'no such product'});
		return {...product, price: discounted(product.price, request.discount)};
	});
};

function discounted(price: number, discount = 0): number {
	return Math.round(price * (1 - discount) * 100) / 100;
}

const pricing: FastifyPluginCallback = fp(
	function pricing(instance, _options, done) {
		// A discount table computed per request (synchronous work on purpose).
		const computeDiscount = function pricingDiscount(request: FastifyRequest, _reply: FastifyReply, next: () => void): void {
			let score = 0;
			const key = request.url;
			for (let round = 0; round < 200; round++) for (let i = 0; i < key.length; i++) score = (score * 31 + key.charCodeAt(i) + round) % 1_000_003;
			request.discount = (score % 20) / 100;
			next();
		};
		instance.addHook('onRoute', route => {
			if (route.config?.priced !== true) return;
			const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
			route.preHandler = [...existing, computeDiscount];
		});
		done();
	},
	{name: 'pricing'},
);

const search: FastifyPluginAsync<{products: Product[]; seed: number}> = async function search(instance, {products, seed}) {
	const next = random(seed);
	instance.get<{Querystring: {q?: string}}>('/search', async request => {
		const q = (request.query.q ?? '').toLowerCase();
		const hits = products.filter(product => product.name.includes(q) || product.category === q).slice(0, 50);
		// The upstream ranking service: slow and uneven.
		await new Promise(resolve => setTimeout(resolve, 5 + next() * 35));
		return {q, count: hits.length, hits: hits.map(hit => hit.id)};
	});
};

const cart: FastifyPluginAsync<{products: Product[]; seed: number}> = async function cart(instance, {products, seed}) {
	const next = random(seed);
	const carts = new Map<string, Map<number, number>>();
	instance.addHook('onRequest', async request => {
		// The session store answers after a turn of the event loop.
		await new Promise(resolve => setImmediate(resolve));
		if (request.headers['x-session'] === undefined) request.headers['x-session'] = 'anonymous';
	});
	instance.post<{Body: {session: string; productId: number; quantity: number}}>(
		'/cart',
		{
			schema: {
				body: {
					type: 'object',
					required: ['session', 'productId', 'quantity'],
					properties: {session: {type: 'string', maxLength: 40}, productId: {type: 'integer', minimum: 1}, quantity: {type: 'integer', minimum: 1, maximum: 10}},
				},
			},
		},
		async (request, reply) => {
			if (next() < 0.02) return reply.code(503).send({error: 'inventory service unavailable'});
			const {session, productId, quantity} = request.body;
			if (productId > products.length) return reply.code(404).send({error: 'no such product'});
			const items = carts.get(session) ?? new Map<number, number>();
			items.set(productId, (items.get(productId) ?? 0) + quantity);
			// Bounded: the oldest carts go.
			if (!carts.has(session) && carts.size >= 500) carts.delete(carts.keys().next().value!);
			carts.set(session, items);
			return {session, items: items.size};
		},
	);
};

const accessLog: FastifyPluginCallback = fp(
	function accessLog(instance, _options, done) {
		const ring: string[] = new Array(1000);
		let at = 0;
		instance.addHook('onResponse', (request, reply, next) => {
			ring[at++ % ring.length] = `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`;
			next();
		});
		instance.get('/access-log', async () => ({recent: ring.filter(Boolean).slice(-20)}));
		done();
	},
	{name: 'access-log'},
);

/** Registers the shop's plugins and routes on `app` (instrument the app before calling this). */
export async function registerShop(app: FastifyInstance, {seed = 1}: {seed?: number} = {}): Promise<void> {
	const products = makeCatalog();
	let served = 0;
	app.addHook('onRequest', (_request, _reply, done) => {
		served++;
		done();
	});
	await app.register(cors, {origin: true});
	await app.register(helmet);
	await app.register(rateLimit, {max: 1_000_000, timeWindow: 60_000});
	await app.register(etag);
	await app.register(accessLog);
	await app.register(pricing);
	await app.register(catalog, {products});
	await app.register(search, {products, seed: seed + 1});
	await app.register(cart, {products, seed: seed + 2});
	app.get('/health', async () => ({ok: true, served, rss: process.memoryUsage.rss()}));
}

/** The demo's request mix: mostly catalog reads, some searches and cart writes. */
export function shopRequests(seed = 1): LoadRequest[] {
	const next = random(seed);
	const requests: LoadRequest[] = [];
	for (let i = 0; i < 500; i++) {
		const roll = next();
		if (roll < 0.45) requests.push({path: `/products/${1 + Math.floor(next() * 5000)}`});
		else if (roll < 0.75) requests.push({path: `/products?page=${Math.floor(next() * 50)}&sort=${SORTS[Math.floor(next() * SORTS.length)]}`});
		else if (roll < 0.87) requests.push({path: `/search?q=${CATEGORIES[Math.floor(next() * CATEGORIES.length)]}`});
		else if (roll < 0.98) requests.push({method: 'POST', path: '/cart', body: {session: `s${Math.floor(next() * 200)}`, productId: 1 + Math.floor(next() * 5000), quantity: 1 + Math.floor(next() * 3)}});
		else requests.push({path: `/products?page=x${i}`});
	}
	return requests;
}
