/**
 * perftop/fastify against the real fastify 5 with @fastify/cors, helmet, rate-limit and etag: counts, attribution,
 * done/promise timing, load self time, headers with and without the adapter, Fastify's own errors.
 */
import assert from 'node:assert/strict';
import {request as httpRequest} from 'node:http';
import {describe, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import cors from '@fastify/cors';
import etag from '@fastify/etag';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, {type FastifyInstance} from 'fastify';
import fp from 'fastify-plugin';
import {PerformanceMonitor} from 'perftop';
import {instrumentFastify, perftopFastify} from 'perftop/fastify';
import {runReadmeExample} from '../helpers/readme-example.js';

function newMonitor(): PerformanceMonitor {
	return new PerformanceMonitor({samplers: false, alerts: false});
}

/** Calls of series (op, plugin), 0 when it does not exist. */
function calls(monitor: PerformanceMonitor, op: string, plugin: string | null): number {
	return monitor.seriesExports().find(series => series.op === op && series.plugin === plugin)?.count ?? 0;
}

/** The series of `plugin` as `op: calls`, sorted. */
function hooksOf(monitor: PerformanceMonitor, plugin: string): Record<string, number> {
	return Object.fromEntries(
		monitor
			.seriesExports()
			.filter(series => series.plugin === plugin)
			.map(series => [series.op, series.count])
			.sort(),
	);
}

/** The ecosystem's usual stack plus a root hook and an encapsulated routes plugin. */
async function buildApp(monitor: PerformanceMonitor | null, {handlerMs = 0} = {}): Promise<FastifyInstance> {
	const app = Fastify();
	if (monitor) instrumentFastify(app, {monitor});
	await app.register(cors);
	await app.register(helmet);
	await app.register(rateLimit, {max: 1_000_000, timeWindow: 60_000});
	await app.register(etag);
	// The app's own hook, after every plugin: `this.pluginName` here names the last plugin registered.
	app.addHook('onRequest', function appHook(_request, _reply, done) {
		done();
	});
	await app.register(async function orders(instance) {
		instance.addHook('preHandler', async () => {});
		instance.get('/orders/:id', async request => {
			if (handlerMs > 0) await sleep(handlerMs);
			return {id: (request.params as {id: string}).id, items: [1, 2, 3]};
		});
	});
	await app.ready();
	return app;
}

describe('perftop/fastify', () => {
	test("each plugin's request hooks run once per request, under the plugin that added them", async () => {
		const monitor = newMonitor();
		const app = await buildApp(monitor);
		const requests = 25;
		for (let i = 0; i < requests; i++) assert.equal((await app.inject({url: `/orders/${i}`})).statusCode, 200);
		await app.close();
		assert.equal(calls(monitor, 'onRequest', '@fastify/cors'), requests);
		// helmet adds two onRequest hooks: one async, one that declares `next` and returns a promise (counted once per call).
		assert.equal(calls(monitor, 'onRequest', '@fastify/helmet'), 2 * requests);
		// rate-limit adds its hook to each route's options from an onRoute hook.
		assert.equal(calls(monitor, 'onRequest', '@fastify/rate-limit'), requests);
		assert.equal(calls(monitor, 'onSend', '@fastify/etag'), requests);
		assert.equal(calls(monitor, 'onRequest', '(app)'), requests);
		assert.equal(calls(monitor, 'preHandler', 'orders'), requests);
		assert.equal(calls(monitor, 'GET /orders/:id', 'orders'), requests);
		assert.equal(calls(monitor, 'request', null), requests);
		// No hook of one plugin is recorded under another.
		assert.deepEqual(hooksOf(monitor, '@fastify/etag'), {onSend: requests});
		assert.equal(hooksOf(monitor, '@fastify/rate-limit').onRequest, requests);
		const summary = monitor.getPluginPerformance('@fastify/cors');
		assert.equal(summary?.state, 'loaded');
		assert.ok((summary?.loadMs ?? -1) >= 0, 'register time recorded as load time');
	});

	test('a plugin whose route handler is slow has the largest share of time (TIME%), not 0', async () => {
		const monitor = newMonitor();
		const app = await buildApp(monitor, {handlerMs: 20});
		for (let i = 0; i < 10; i++) assert.equal((await app.inject({url: `/orders/${i}`})).statusCode, 200);
		await app.close();
		const shares = monitor.getPerformanceSummary().plugins.map(plugin => [plugin.name, plugin.hookShare] as const);
		const orders = shares.find(([name]) => name === 'orders')?.[1] ?? 0;
		assert.ok(orders > 0.5, `the routes plugin holds most of the time: ${JSON.stringify(shares)}`);
		for (const [name, share] of shares) if (name !== 'orders') assert.ok(share < orders, `${name} ${share} < orders ${orders}`);
	});

	test("the app's own hooks are (app), not the last plugin that this.pluginName names", async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		await app.register(cors);
		await app.register(etag);
		// The trap: at the root, pluginName ends with the plugin registered last.
		assert.match(app.pluginName, /@fastify\/etag$/);
		app.addHook('onRequest', async () => {});
		app.addHook('onSend', async (_request, _reply, payload) => payload);
		app.get('/', async () => 'root');
		await app.ready();
		await app.inject({url: '/'});
		await app.close();
		assert.deepEqual(hooksOf(monitor, '(app)'), {'GET /': 1, onRequest: 1, onSend: 1});
		assert.deepEqual(hooksOf(monitor, '@fastify/etag'), {onSend: 1});
	});

	test('a hook added in an after() callback of an encapsulated plugin belongs to that plugin', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		app.register(function billing(instance, _options, done) {
			instance.after(() => {
				instance.addHook('onRequest', async () => {});
			});
			instance.get('/bill', async () => 'ok');
			done();
		});
		app.register(function shipping(instance, _options, done) {
			instance.get('/ship', async () => 'ok');
			done();
		});
		await app.ready();
		await app.inject({url: '/bill'});
		await app.inject({url: '/ship'});
		await app.close();
		assert.deepEqual(hooksOf(monitor, 'billing'), {'GET /bill': 1, onRequest: 1});
		assert.deepEqual(hooksOf(monitor, 'shipping'), {'GET /ship': 1});
	});

	test('hooks a plugin adds to route options in onRoute are that plugin’s, and run once per request', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		// A plugin no test fixture knows: adds a preHandler to every route through onRoute, and one to a route that already has one.
		await app.register(
			fp(
				function audit(instance, _options, done) {
					instance.addHook('onRoute', route => {
						const hook = async function auditHook(): Promise<void> {};
						route.preHandler = route.preHandler === undefined ? hook : [...(Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]), hook];
					});
					done();
				},
				{name: 'audit'},
			),
		);
		await app.register(async function catalog(instance) {
			instance.get('/items', {preHandler: async () => {}}, async () => []);
			instance.get('/plain', async () => 'plain');
		});
		await app.ready();
		await app.inject({url: '/items'});
		await app.inject({url: '/plain'});
		await app.inject({url: '/plain'});
		await app.close();
		assert.equal(calls(monitor, 'preHandler', 'audit'), 3);
		assert.equal(calls(monitor, 'preHandler', 'catalog'), 1, "the route's own preHandler is the declaring plugin's");
		assert.equal(calls(monitor, 'GET /items', 'catalog'), 1);
		assert.equal(calls(monitor, 'GET /plain', 'catalog'), 2);
	});

	test('a hook that declares done is timed until done, not through the rest of the request', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		await app.register(async function steps(instance) {
			// done() runs the next hooks synchronously: here a preHandler that blocks for 40 ms before its own done().
			instance.addHook('onRequest', (_request, _reply, done) => done());
			instance.addHook('preHandler', function busy(_request, _reply, done) {
				const until = performance.now() + 40;
				while (performance.now() < until);
				done();
			});
			// Declares done but settles a promise instead: timed to the promise, counted once.
			instance.addHook('preHandler', function mixed(_request: unknown, _reply: unknown, _done: unknown) {
				return sleep(30);
			} as never);
			instance.get('/slow', async () => {
				await sleep(40);
				return 'slow';
			});
		});
		await app.ready();
		await app.inject({url: '/slow'});
		await app.close();
		const ms = (op: string): number => monitor.seriesExports().find(s => s.op === op && s.plugin === 'steps')!.sumNs / 1e6;
		assert.deepEqual(hooksOf(monitor, 'steps'), {'GET /slow': 1, onRequest: 1, preHandler: 2});
		// Tolerances: the 40 ms busy wait is exact; timers (30 ms, 40 ms) may fire late, and 1 ms early at most.
		assert.ok(ms('onRequest') < 20, `onRequest took ${ms('onRequest')} ms: the 40 ms preHandler its done() ran was charged to it`);
		assert.ok(ms('preHandler') >= 40 + 29, `preHandlers took ${ms('preHandler')} ms in all`);
		assert.ok(ms('GET /slow') >= 39, `handler took ${ms('GET /slow')} ms`);
	});

	test("a request's hook and handler times add up to at most its elapsedTime", async () => {
		const monitor = newMonitor();
		const app = await buildApp(monitor, {handlerMs: 2});
		// Hooks that run before the response has been sent (onResponse runs after elapsedTime stops).
		const before = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'GET /orders/:id']);
		const sums = (): {hooks: number; elapsed: number} => {
			let hooks = 0;
			let elapsed = 0;
			for (const series of monitor.seriesExports()) {
				if (series.op === 'request') elapsed += series.sumNs;
				else if (before.has(series.op)) hooks += series.sumNs;
			}
			return {hooks, elapsed};
		};
		for (let i = 0; i < 20; i++) {
			const start = sums();
			await app.inject({url: `/orders/${i}`});
			const end = sums();
			const hooks = end.hooks - start.hooks;
			const elapsed = end.elapsed - start.elapsed;
			// A 2 ms timer may fire up to 1 ms early by the monotonic clock (Node's timers run on the loop's ms clock).
			assert.ok(hooks > 1e6, `the handler sleeps 2 ms, got ${hooks / 1e6} ms of ${elapsed / 1e6}`);
			assert.ok(hooks <= elapsed, `request ${i}: hooks and handler ${hooks / 1e6} ms > elapsedTime ${elapsed / 1e6} ms`);
		}
		await app.close();
	});

	test('a CORS preflight (answered in onRequest without done) is counted, and the plugin is not left busy', async () => {
		const monitor = newMonitor();
		const app = await buildApp(monitor);
		const get = async (): Promise<void> => assert.equal((await app.inject({url: '/orders/1', headers: {origin: 'https://shop.example'}})).statusCode, 200);
		for (let i = 0; i < 20; i++) await get();
		const preflight = await app.inject({method: 'OPTIONS', url: '/orders/1', headers: {origin: 'https://shop.example', 'access-control-request-method': 'GET'}});
		assert.equal(preflight.statusCode, 204);
		const busyAfterPreflight = monitor.getPluginPerformance('@fastify/cors')!.busyMs!;
		const start = performance.now();
		for (let i = 0; i < 200; i++) await get();
		const wallMs = performance.now() - start;
		await app.close();
		assert.equal(calls(monitor, 'onRequest', '@fastify/cors'), 221, 'every request counted, the preflight too');
		assert.equal(calls(monitor, 'request', null), 221);
		const busyMs = monitor.getPluginPerformance('@fastify/cors')!.busyMs! - busyAfterPreflight;
		// cors's hook is a few microseconds of each request; a call left open would make cors busy the whole time.
		assert.ok(busyMs > 0, 'busy time still grows after the preflight');
		assert.ok(busyMs < wallMs / 2, `cors busy ${busyMs} ms of the ${wallMs} ms that 200 requests took`);
	});

	test('a hook that answers later without done is timed until it answers; its plugin is not left busy', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		// How long the hook waits before it answers (a 10 ms timer fires late on a busy machine).
		let waitedMs = 0;
		await app.register(
			fp(
				function gate(instance, _options, done) {
					instance.addHook('onRequest', (request, reply, next) => {
						if (request.headers['x-key'] === 'ok') {
							next();
							return;
						}
						const start = performance.now();
						setTimeout(() => {
							waitedMs = performance.now() - start;
							reply.code(401).send('no');
						}, 10);
					});
					done();
				},
				{name: 'gate'},
			),
		);
		app.get('/', async () => 'ok');
		await app.ready();
		assert.equal((await app.inject({url: '/'})).statusCode, 401);
		const busyAfter = monitor.getPluginPerformance('gate')!.busyMs!;
		for (let i = 0; i < 5; i++) assert.equal((await app.inject({url: '/', headers: {'x-key': 'ok'}})).statusCode, 200);
		await sleep(50);
		await app.close();
		assert.equal(calls(monitor, 'onRequest', 'gate'), 6);
		// The five calls that call done take microseconds: the sum is the answering call's time.
		const ms = monitor.seriesExports().find(s => s.op === 'onRequest' && s.plugin === 'gate')!.sumNs / 1e6;
		// Tolerances: the timer may fire 1 ms early; the response is written within 50 ms of the send.
		assert.ok(ms >= waitedMs - 1 && ms < waitedMs + 50, `the answering call took ${ms} ms, waited ${waitedMs} ms`);
		assert.ok(monitor.getPluginPerformance('gate')!.busyMs! - busyAfter < 40, 'not busy while nothing of it runs (the 50 ms sleep)');
	});

	test('a hook written (...args) that calls done after 30 ms is timed until done', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		await app.register(async function late(instance) {
			instance.addHook('preHandler', function (...args: unknown[]) {
				setTimeout(() => (args[2] as () => void)(), 30);
			} as never);
			instance.get('/', async () => 'ok');
		});
		await app.ready();
		await app.inject({url: '/'});
		await app.close();
		const ms = monitor.seriesExports().find(s => s.op === 'preHandler' && s.plugin === 'late')!.sumNs / 1e6;
		// A 30 ms timer fires late on a busy machine, and 1 ms early at most.
		assert.ok(ms >= 29, `the hook took ${ms} ms until its done()`);
	});

	test('a handler that calls reply.send() is not charged for the onSend hooks the send runs', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		await app.register(
			fp(
				function signer(instance, _options, done) {
					// Blocks for 40 ms, as hashing or signing a large payload would.
					instance.addHook('onSend', (_request, _reply, payload, next) => {
						const until = performance.now() + 40;
						while (performance.now() < until);
						next(null, payload);
					});
					done();
				},
				{name: 'signer'},
			),
		);
		app.get('/sync', (_request, reply) => {
			reply.send({ok: true});
		});
		// How long the async handler waits on its own (a 5 ms timer fires late on a busy machine).
		let waitedMs = 0;
		app.get('/later', async (_request, reply) => {
			const start = performance.now();
			await sleep(5);
			waitedMs = performance.now() - start;
			return reply.send({ok: true});
		});
		await app.ready();
		await app.inject({url: '/sync'});
		await app.inject({url: '/later'});
		await app.close();
		const ms = (op: string, plugin: string): number => monitor.seriesExports().find(s => s.op === op && s.plugin === plugin)!.sumNs / 1e6;
		assert.equal(calls(monitor, 'onSend', 'signer'), 2);
		assert.ok(ms('onSend', 'signer') >= 80);
		// Charged the 40 ms onSend hook, a handler would take at least 40 ms more than its own work; 20 ms of slack.
		assert.ok(ms('GET /sync', '(app)') < 20, `the sync handler took ${ms('GET /sync', '(app)')} ms: its send's onSend hook was charged to it`);
		assert.ok(ms('GET /later', '(app)') < waitedMs + 20, `the async handler took ${ms('GET /later', '(app)')} ms, ${waitedMs} ms of it waiting: its send's onSend hook was charged to it`);
		const elapsed = monitor.seriesExports().find(s => s.op === 'request')!.sumNs / 1e6;
		assert.ok(ms('GET /sync', '(app)') + ms('GET /later', '(app)') + ms('onSend', 'signer') <= elapsed, 'hooks and handlers within elapsedTime');
	});

	test('response headers are byte-identical with and without the adapter (cors, helmet, rate-limit, etag)', async () => {
		const bare = await buildApp(null);
		const instrumented = await buildApp(newMonitor());
		const urls = [await bare.listen({host: '127.0.0.1', port: 0}), await instrumented.listen({host: '127.0.0.1', port: 0})];
		try {
			for (const [method, headers] of [
				['GET', {origin: 'https://shop.example'}],
				['OPTIONS', {origin: 'https://shop.example', 'access-control-request-method': 'GET'}],
				['GET', {'if-none-match': '"x"'}],
			] as const) {
				const [a = [], b = []] = await Promise.all(urls.map(url => rawHeaders(`${url}/orders/7`, method, headers)));
				assert.deepEqual(b, a, `${method} ${JSON.stringify(headers)}`);
				if (method === 'GET') {
					assert.ok(a.some(line => line.startsWith('etag: ')), 'etag header present');
					assert.ok(a.some(line => line.startsWith('x-ratelimit-limit: ')), 'rate-limit header present');
					assert.ok(a.some(line => line.startsWith('content-security-policy: ')), 'helmet header present');
				}
			}
		} finally {
			await Promise.all([bare.close(), instrumented.close()]);
		}
	});

	test("an encapsulated plugin's hooks stay in its context; a fastify-plugin one's reach the root", async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		await app.register(
			fp(function stamp(instance, _options, done) {
				instance.decorateReply('stamped', false);
				instance.addHook('onSend', async (_request, reply) => {
					reply.header('x-stamp', '1');
				});
				done();
			}),
		);
		await app.register(async function inner(instance) {
			instance.addHook('onSend', async (_request, reply) => {
				reply.header('x-inner', '1');
			});
			instance.get('/inner', async () => 'inner');
		});
		app.get('/outer', async () => 'outer');
		await app.ready();
		const inner = await app.inject({url: '/inner'});
		const outer = await app.inject({url: '/outer'});
		await app.close();
		assert.equal(inner.headers['x-stamp'], '1');
		assert.equal(inner.headers['x-inner'], '1');
		assert.equal(outer.headers['x-stamp'], '1');
		assert.equal(outer.headers['x-inner'], undefined);
		assert.ok(app.hasReplyDecorator('stamped'), 'the fastify-plugin decorator reached the root');
	});

	test("Fastify's own errors still fire: an async hook or plugin that declares done", async () => {
		const app = Fastify();
		instrumentFastify(app, {monitor: newMonitor()});
		assert.throws(
			() => app.addHook('onRequest', (async (_request: unknown, _reply: unknown, _done: unknown) => {}) as never),
			(error: {code?: string}) => error.code === 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER',
		);
		assert.throws(
			() => app.get('/x', {onSend: [async (_request: unknown, _reply: unknown, _payload: unknown, _done: unknown) => {}]}, async () => 'x'),
			(error: {code?: string}) => error.code === 'FST_ERR_HOOK_INVALID_ASYNC_HANDLER',
		);
		app.register(async (_instance: unknown, _options: unknown, _done: unknown) => {});
		await assert.rejects(async () => void (await app.ready()), (error: {code?: string}) => error.code === 'FST_ERR_PLUGIN_INVALID_ASYNC_HANDLER');
	});

	test('register time is self time: a plugin is not charged for the plugins it registers', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		await app.register(async function parent(instance) {
			await sleep(20);
			await instance.register(async function child() {
				await sleep(150);
			});
		});
		await app.ready();
		await app.close();
		const parent = monitor.getPluginPerformance('parent')!;
		const child = monitor.getPluginPerformance('child')!;
		// Tolerances on sleeps of 20 ms and 150 ms: timers fire late on a busy machine, and 1 ms early at most.
		assert.ok(child.loadMs! >= 149, `child ${child.loadMs} ms`);
		assert.ok(parent.loadMs! >= 19 && parent.loadMs! < 120, `parent ${parent.loadMs} ms (its child's 150 ms not charged)`);
		assert.equal(parent.state, 'loaded');
	});

	test('a plugin that fails to register is recorded as failed with its error, and the error reaches Fastify unchanged', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		const failure = new Error('no database');
		app.register(function database(_instance, _options, done) {
			done(failure);
		});
		await assert.rejects(async () => void (await app.ready()), (error: unknown) => error === failure);
		const database = monitor.getPluginPerformance('database')!;
		assert.equal(database.state, 'failed');
		assert.equal(database.error, 'no database');
	});

	test('as a plugin: await app.register(perftopFastify, {monitor}) instruments what is registered after it', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		await app.register(perftopFastify, {monitor});
		await app.register(etag);
		app.get('/', async () => 'hello');
		await app.ready();
		await app.inject({url: '/'});
		await app.close();
		assert.deepEqual(hooksOf(monitor, '@fastify/etag'), {onSend: 1});
		assert.equal(calls(monitor, 'GET /', '(app)'), 1);
	});

	test('a plugin given as a promise of a module (register(import(...))) is instrumented too', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		instrumentFastify(app, {monitor});
		const module = {
			default: async function reports(instance: FastifyInstance) {
				instance.addHook('onRequest', async () => {});
				instance.get('/reports', async () => []);
			},
		};
		await app.register(Promise.resolve(module));
		await app.ready();
		await app.inject({url: '/reports'});
		await app.close();
		assert.deepEqual(hooksOf(monitor, 'reports'), {'GET /reports': 1, onRequest: 1});
		assert.equal(monitor.getPluginPerformance('reports')?.state, 'loaded');
	});

	test('after undo, plugins and hooks registered are left as they are', async () => {
		const monitor = newMonitor();
		const app = Fastify();
		const undo = instrumentFastify(app, {monitor});
		await app.register(
			fp(
				async function before(instance) {
					instance.addHook('onRequest', async () => {});
				},
				{name: 'before'},
			),
		);
		undo();
		await app.register(
			fp(
				async function after(instance) {
					instance.addHook('onRequest', async () => {});
				},
				{name: 'after'},
			),
		);
		app.get('/', async () => 'ok');
		await app.ready();
		await app.inject({url: '/'});
		await app.close();
		assert.equal(calls(monitor, 'onRequest', 'before'), 1, 'hooks added before the undo keep recording');
		assert.equal(monitor.getPluginPerformance('after'), undefined);
	});

	test('a disabled monitor records nothing and the app works the same', async () => {
		const monitor = new PerformanceMonitor({enabled: false, samplers: false, alerts: false});
		const app = await buildApp(monitor);
		const response = await app.inject({url: '/orders/1', headers: {origin: 'https://shop.example'}});
		await app.close();
		assert.equal(response.statusCode, 200);
		assert.equal(response.headers['access-control-allow-origin'], '*');
		assert.equal(monitor.seriesExports().length, 0);
	});

	test('the readme example runs', async () => {
		const {stdout} = await runReadmeExample('fastify');
		assert.match(stdout, /@fastify\/etag +onSend +calls 3/);
		assert.match(stdout, /\(app\) +onRequest +calls 3/);
		assert.match(stdout, /orders +GET \/orders\/:id +calls 3/);
	});
});

/** The response's raw header lines in order, `date` blanked (it differs by the second). */
function rawHeaders(url: string, method: string, headers: Record<string, string>): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, {method, headers}, response => {
			response.resume();
			response.on('end', () => {
				const lines: string[] = [];
				for (let i = 0; i < response.rawHeaders.length; i += 2) {
					const name = response.rawHeaders[i]!.toLowerCase();
					lines.push(`${name}: ${name === 'date' ? '-' : response.rawHeaders[i + 1]}`);
				}
				resolve([`status ${response.statusCode}`, ...lines]);
			});
		});
		req.on('error', reject);
		req.end();
	});
}
