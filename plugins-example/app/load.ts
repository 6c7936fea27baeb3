/**
 * The built-in load generator: a mix of realistic requests against the service's own HTTP API, on
 * loopback only and always bounded. Two modes:
 * - open loop (`rate`): that many requests per second, at most `maxInFlight` outstanding (extra ones are
 *   dropped and counted, never queued);
 * - closed loop (`concurrency`): that many workers, each sending its next request when the last one is
 *   answered — as many requests as the service can take, for throughput measurements.
 */
import {Agent, request, type ClientRequest} from 'node:http';
import {random} from './random.js';
import {CUSTOMER_PREFIXES} from './seed.js';
import {ORDER_STATUSES, SORT_COLUMNS} from './orders.js';

/** Request kinds and their relative weights. */
export type RequestMix = Partial<Record<RequestKind, number>>;
/** The kinds of request the generator sends. */
export type RequestKind = 'list' | 'stats' | 'get' | 'update' | 'receipt' | 'recommend' | 'quote' | 'activity' | 'payment';

/** The demo's mix: mostly table reads, some writes, every plugin exercised. */
export const DEFAULT_MIX: Readonly<Record<RequestKind, number>> = Object.freeze({list: 42, stats: 4, get: 18, update: 2, receipt: 12, recommend: 8, quote: 10, activity: 3, payment: 1});

/** Options of startLoad(). */
export interface LoadOptions {
	/** Base URL of the service; must be a loopback address. */
	url: string;
	/** Open loop: requests per second. */
	rate?: number;
	/** Closed loop: concurrent workers. Exactly one of rate/concurrency. */
	concurrency?: number;
	/** Open loop: most requests outstanding at once (default 32). */
	maxInFlight?: number;
	mix?: RequestMix;
	/** Seed for the request choices (default 1). */
	seed?: number;
	/** Per-request timeout, ms (default 10 000). */
	timeoutMs?: number;
	/** Orders ids requests pick from: 1..maxOrderId (default 100 000); receipts use the first 1000. */
	maxOrderId?: number;
}

/** Counters of a load run. */
export interface LoadStats {
	/** Requests sent. */
	sent: number;
	/** Answered with 2xx. */
	ok: number;
	/** Answered with 4xx. */
	clientErrors: number;
	/** Answered with 5xx. */
	serverErrors: number;
	/** No answer (connection error or timeout). */
	failed: number;
	/** Open loop: not sent because maxInFlight were outstanding. */
	dropped: number;
	/** Most requests outstanding at once. */
	peakInFlight: number;
	/** Answered requests (any status) per kind. */
	byKind: Partial<Record<RequestKind, number>>;
	elapsedMs: number;
}

/** A running load generator. */
export interface LoadGenerator {
	/** The counters so far. */
	stats(): LoadStats;
	/**
	 * Stops sending, waits for outstanding requests, returns the final counters. With `graceMs`, requests
	 * still unanswered after that long are abandoned (counted as failed), so a stop never waits on a slow
	 * request for its whole timeout.
	 */
	stop(options?: StopOptions): Promise<LoadStats>;
}

/** Options of {@link LoadGenerator.stop}. */
export interface StopOptions {
	/** Most time to wait for outstanding requests, ms (default: each request's own timeout). */
	graceMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Starts generating load; throws for a non-loopback URL or bad options. */
export function startLoad(options: LoadOptions): LoadGenerator {
	const base = new URL(options.url);
	if (base.protocol !== 'http:' || !LOOPBACK.has(base.hostname)) throw new Error(`load generator: only http on loopback is allowed, got ${options.url}`);
	const closed = options.concurrency !== undefined;
	if (closed === (options.rate !== undefined)) throw new Error('load generator: give exactly one of rate and concurrency');
	const level = (closed ? options.concurrency : options.rate) ?? 0;
	if (!Number.isFinite(level) || level <= 0 || (closed && !Number.isInteger(level))) throw new Error(`load generator: ${closed ? 'concurrency must be a whole number' : 'rate must be a number'} > 0`);
	const maxInFlight = closed ? level : (options.maxInFlight ?? 32);
	const next = random(options.seed ?? 1);
	const pick = picker({...DEFAULT_MIX, ...options.mix}, next);
	const maxOrderId = options.maxOrderId ?? 100_000;
	const timeoutMs = options.timeoutMs ?? 10_000;
	const agent = new Agent({keepAlive: true, maxSockets: maxInFlight});
	const startedAt = performance.now();
	const stats: LoadStats = {sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, failed: 0, dropped: 0, peakInFlight: 0, byKind: {}, elapsedMs: 0};
	const outstanding = new Set<Promise<void>>();
	const inFlight = new Set<ClientRequest>();
	let running = true;
	let stoppedAt: number | null = null;

	function send(): Promise<void> {
		const kind = pick();
		const {method, path, body} = build(kind, next, maxOrderId);
		stats.sent++;
		const done = new Promise<void>(resolve => {
			let finished = false;
			const finish = (status: number | null): void => {
				if (finished) return;
				finished = true;
				inFlight.delete(req);
				if (status === null) stats.failed++;
				else {
					if (status < 400) stats.ok++;
					else if (status < 500) stats.clientErrors++;
					else stats.serverErrors++;
					stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
				}
				resolve();
			};
			const req = request(new URL(path, base), {method, agent, timeout: timeoutMs, headers: body ? {'content-type': 'application/json', 'user-agent': 'orders-load/1'} : {'user-agent': 'orders-load/1'}}, res => {
				res.resume();
				res.on('end', () => finish(res.statusCode ?? 0));
				res.on('error', () => finish(null));
				// Answered only in part (the request was abandoned mid-body): no 'end', only 'close'.
				res.on('close', () => finish(null));
			});
			inFlight.add(req);
			req.on('timeout', () => req.destroy(new Error('timeout')));
			req.on('error', () => finish(null));
			req.end(body);
		});
		outstanding.add(done);
		stats.peakInFlight = Math.max(stats.peakInFlight, outstanding.size);
		void done.then(() => outstanding.delete(done));
		return done;
	}

	let timer: NodeJS.Timeout | null = null;
	const workers: Array<Promise<void>> = [];
	if (closed) {
		for (let index = 0; index < level; index++) {
			workers.push(
				(async () => {
					while (running) await send();
				})(),
			);
		}
	} else {
		// Ticks of 10 ms (or slower for low rates); a fractional credit carries the remainder.
		const tickMs = Math.max(10, Math.min(1000, 1000 / level));
		let credit = 0;
		let last = performance.now();
		timer = setInterval(() => {
			const now = performance.now();
			credit += ((now - last) / 1000) * level;
			last = now;
			while (credit >= 1) {
				credit--;
				if (outstanding.size >= maxInFlight) stats.dropped++;
				else void send();
			}
		}, tickMs);
	}

	const snapshot = (): LoadStats => ({...stats, byKind: {...stats.byKind}, elapsedMs: (stoppedAt ?? performance.now()) - startedAt});
	let stopping: Promise<LoadStats> | null = null;
	return {
		stats: snapshot,
		stop(stopOptions = {}) {
			stopping ??= (async () => {
				running = false;
				stoppedAt = performance.now();
				if (timer) clearInterval(timer);
				let grace: NodeJS.Timeout | undefined;
				if (stopOptions.graceMs !== undefined) {
					grace = setTimeout(() => {
						for (const req of inFlight) req.destroy(new Error('load generator stopped'));
					}, stopOptions.graceMs);
				}
				await Promise.all([...workers, ...outstanding]);
				clearTimeout(grace);
				agent.destroy();
				return snapshot();
			})();
			return stopping;
		},
	};
}

function picker(mix: Record<RequestKind, number>, next: () => number): () => RequestKind {
	const entries = (Object.entries(mix) as Array<[RequestKind, number]>).filter(([, weight]) => weight > 0);
	const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
	if (entries.length === 0) throw new Error('load generator: the request mix is empty');
	return () => {
		let value = next() * total;
		for (const [kind, weight] of entries) {
			if (value < weight) return kind;
			value -= weight;
		}
		return entries[entries.length - 1]![0];
	};
}

function build(kind: RequestKind, next: () => number, maxOrderId: number): {method: string; path: string; body?: string} {
	const choose = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
	const id = 1 + Math.floor(next() * maxOrderId);
	switch (kind) {
		case 'list': {
			// A back-office user's habits: mostly the newest orders, first pages, now and then another view.
			if (next() < 0.7) {
				const params = new URLSearchParams({page: String(1 + Math.floor(next() * next() * 4))});
				if (next() < 0.4) params.set('status', choose(ORDER_STATUSES));
				return {method: 'GET', path: `/orders?${params}`};
			}
			const params = new URLSearchParams({page: String(1 + Math.floor(next() * next() * 10)), pageSize: choose(['25', '50']), sort: choose(Object.keys(SORT_COLUMNS)), dir: choose(['asc', 'desc'])});
			if (next() < 0.5) params.set('status', choose(ORDER_STATUSES));
			if (next() < 0.2) params.set('customer', choose(CUSTOMER_PREFIXES));
			return {method: 'GET', path: `/orders?${params}`};
		}
		case 'stats':
			return {method: 'GET', path: '/orders/stats'};
		case 'get':
			return {method: 'GET', path: `/orders/${id}`};
		case 'update':
			return {method: 'PATCH', path: `/orders/${id}`, body: JSON.stringify({status: choose(ORDER_STATUSES)})};
		case 'receipt':
			return {method: 'GET', path: `/orders/${1 + Math.floor(next() * Math.min(1000, maxOrderId))}/receipt`};
		case 'recommend':
			return {method: 'GET', path: `/orders/${id}/recommendations`};
		case 'quote':
			return {method: 'GET', path: `/orders/${id}/shipping-quote`};
		case 'activity':
			return {method: 'GET', path: '/activity'};
		case 'payment':
			return {method: 'POST', path: `/orders/${id}/payment`};
	}
}
