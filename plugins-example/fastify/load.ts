/**
 * A small HTTP load generator over keep-alive connections (node:http with an Agent), on loopback only:
 * - closed loop (`concurrency`): that many workers, each sending its next request when the last one is
 *   answered, for throughput measurements;
 * - open loop (`rate`): that many requests per second, at most `maxInFlight` outstanding (extra ones are
 *   dropped and counted, never queued), for a steady demo.
 * Requests cycle through `paths` (each with its method and optional JSON body) in order.
 */
import {Agent, request} from 'node:http';

/** One request the generator sends. */
export interface LoadRequest {
	method?: string;
	path: string;
	/** Sent as JSON. */
	body?: unknown;
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
	/** Base URL (loopback only), e.g. `http://127.0.0.1:3000`. */
	url: string;
	/** Requests, sent in turn. */
	requests: readonly LoadRequest[];
	/** Closed loop: workers. */
	concurrency?: number;
	/** Open loop: requests per second. */
	rate?: number;
	/** Open loop: most requests outstanding (default 32). */
	maxInFlight?: number;
	/** Per-request timeout, ms (default 10 000). */
	timeoutMs?: number;
}

/** Counters of a load run. */
export interface LoadStats {
	sent: number;
	/** Answered, any status. */
	answered: number;
	/** Answered with 5xx. */
	serverErrors: number;
	/** No answer (connection error or timeout). */
	failed: number;
	/** Open loop: not sent because maxInFlight were outstanding. */
	dropped: number;
	elapsedMs: number;
}

/** A running load. */
export interface Load {
	stats(): LoadStats;
	/** Stops sending, waits for the outstanding requests, returns the counters. */
	stop(): Promise<LoadStats>;
}

/** Starts a load against `options.url`. */
export function startLoad(options: LoadOptions): Load {
	const base = new URL(options.url);
	if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error(`load: ${options.url} is not a loopback address`);
	if (options.requests.length === 0) throw new Error('load: no requests given');
	if ((options.concurrency === undefined) === (options.rate === undefined)) throw new Error('load: give exactly one of concurrency and rate');
	const agent = new Agent({keepAlive: true, noDelay: true, maxSockets: options.concurrency ?? options.maxInFlight ?? 32} as ConstructorParameters<typeof Agent>[0]);
	const prepared = options.requests.map(({method = 'GET', path, body}) => {
		const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
		const headers: Record<string, string | number> = payload ? {'content-type': 'application/json', 'content-length': payload.length} : {};
		return {method, path, payload, headers};
	});
	const stats: LoadStats = {sent: 0, answered: 0, serverErrors: 0, failed: 0, dropped: 0, elapsedMs: 0};
	const started = performance.now();
	let next = 0;
	let inFlight = 0;
	let stopping = false;
	let settled: (() => void) | null = null;

	const send = (then: () => void): void => {
		const item = prepared[next++ % prepared.length]!;
		stats.sent++;
		inFlight++;
		let done = false;
		const finish = (answered: boolean, status = 0): void => {
			if (done) return;
			done = true;
			inFlight--;
			if (answered) {
				stats.answered++;
				if (status >= 500) stats.serverErrors++;
			} else stats.failed++;
			if (inFlight === 0 && stopping) settled?.();
			then();
		};
		const req = request({host: base.hostname.replace(/^\[|\]$/g, ''), port: base.port, method: item.method, path: item.path, headers: item.headers, agent, timeout: options.timeoutMs ?? 10_000}, response => {
			response.on('error', () => finish(false));
			response.on('end', () => finish(true, response.statusCode ?? 0));
			response.resume();
		});
		req.on('timeout', () => req.destroy(new Error('timeout')));
		req.on('error', () => finish(false));
		req.end(item.payload ?? undefined);
	};

	let timer: NodeJS.Timeout | null = null;
	if (options.concurrency !== undefined) {
		const worker = (): void => {
			if (!stopping) send(worker);
		};
		for (let i = 0; i < options.concurrency; i++) worker();
	} else {
		const maxInFlight = options.maxInFlight ?? 32;
		const perTick = options.rate! / 20;
		let owed = 0;
		timer = setInterval(() => {
			owed += perTick;
			for (; owed >= 1; owed--) {
				if (inFlight >= maxInFlight) stats.dropped++;
				else send(() => {});
			}
		}, 50);
	}

	return {
		stats: () => ({...stats, elapsedMs: performance.now() - started}),
		async stop() {
			stopping = true;
			if (timer) clearInterval(timer);
			const elapsedMs = performance.now() - started;
			if (inFlight > 0) await new Promise<void>(resolve => (settled = resolve));
			agent.destroy();
			return {...stats, elapsedMs};
		},
	};
}
