/**
 * Test doubles for the TUI: a fake host connection driven by the test, and snapshot builders.
 */
import {ProtocolError, type ErrorCode} from '../../source/protocol/errors.js';
import type {CommandName, HelloMessage, HostEvent} from '../../source/protocol/messages.js';
import type {CacheSummary, PluginSummary, SeriesSummary, Snapshot} from '../../source/protocol/snapshot.js';
import type {ConnectionStatus, HostConnection} from '../../source/tui/host-connection.js';

/** A command the fake received. */
export interface SentCommand {
	name: CommandName;
	args: Record<string, unknown> | undefined;
}

/** A connection whose status, snapshots and command results the test controls. */
export class FakeConnection implements HostConnection {
	status: ConnectionStatus = {state: 'connecting'};
	readonly commands: SentCommand[] = [];
	readonly subscriptions: number[] = [];
	/** Result (or error) per command name; the default answers an empty success. */
	replies = new Map<CommandName, unknown | ProtocolError>();
	#status = new Set<(status: ConnectionStatus) => void>();
	#snapshot = new Set<(snapshot: Snapshot) => void>();
	#event = new Set<(event: HostEvent) => void>();

	connect(): void {}
	close(): void {}
	onStatus(listener: (status: ConnectionStatus) => void): () => void {
		this.#status.add(listener);
		return () => this.#status.delete(listener);
	}
	onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
		this.#snapshot.add(listener);
		return () => this.#snapshot.delete(listener);
	}
	onEvent(listener: (event: HostEvent) => void): () => void {
		this.#event.add(listener);
		return () => this.#event.delete(listener);
	}
	subscribe(intervalMs: number): void {
		this.subscriptions.push(intervalMs);
	}
	async command<T>(name: CommandName, args?: Record<string, unknown>): Promise<T> {
		this.commands.push({name, args});
		const reply = this.replies.get(name);
		if (reply instanceof ProtocolError) throw reply;
		return reply as T;
	}

	/** Sets the status and tells the listeners. */
	setStatus(status: ConnectionStatus): void {
		this.status = status;
		for (const listener of this.#status) listener(status);
	}
	/** Connects with a hello for `snapshot`'s host. */
	connected(readonly = false): void {
		this.setStatus({state: 'connected', hello: hello(readonly)});
	}
	/** Delivers a snapshot. */
	send(snapshot: Snapshot): void {
		for (const listener of this.#snapshot) listener(snapshot);
	}
	/** Delivers an event. */
	emit(event: HostEvent): void {
		for (const listener of this.#event) listener(event);
	}
	/** Makes `name` fail with `code`. */
	fail(name: CommandName, code: ErrorCode, message: string): void {
		this.replies.set(name, new ProtocolError(code, message));
	}
}

/** The hello of the test host. */
export function hello(readonly = false): HelloMessage {
	return {v: 1, type: 'hello', protocol: 1, host: host(), capabilities: ['snapshot', 'export', 'clear-cache', 'reset-metrics', 'events'], readonly};
}

function host() {
	return {name: 'shop-api', pid: 4242, hostname: 'box1', node: 'v20.20.0', platform: 'linux-x64', startedAt: 1_700_000_000_000, perftop: '0.1.0'};
}

function stats(count: number, p: number, errors = 0) {
	return {count, errors, totalMs: count * p, minMs: p / 4, maxMs: p * 5, meanMs: p, p50Ms: p, p95Ms: p * 2, p99Ms: p * 3};
}

/** A hook series of `plugin`. */
export function hook(plugin: string, op: string, count: number, p50: number, errors = 0): SeriesSummary {
	return {...stats(count, p50, errors), op, plugin, kind: 'hook', recent: {...stats(count, p50, errors), windowMs: 60_000, rate: count / 60, errorRate: errors / 60}, slow: 0};
}

/** A plugin with the given numbers (hooks `handle` and `init` unless given). */
export function plugin(name: string, options: {calls?: number; p50?: number; errors?: number; share?: number; loadMs?: number; state?: PluginSummary['state']; hooks?: SeriesSummary[]} = {}): PluginSummary {
	const calls = options.calls ?? 100;
	const p50 = options.p50 ?? 1;
	const errors = options.errors ?? 0;
	return {
		name,
		state: options.state ?? 'loaded',
		source: `./plugins/${name}.js`,
		loadMs: options.loadMs ?? 12.5,
		loadBytes: 2 * 1024 * 1024,
		loadMemoryMode: 'gc',
		error: options.state === 'failed' ? 'Cannot find module x' : null,
		calls: stats(calls, p50, errors),
		recent: {...stats(calls, p50, errors), windowMs: 60_000, rate: calls / 60, errorRate: errors / 60},
		hookShare: options.share ?? 0.1,
		hooks: options.hooks ?? [hook(name, 'handle', calls - 1, p50, errors), hook(name, 'init', 1, p50 * 10)],
	};
}

/** A cache with the given numbers. */
export function cache(name: string, options: {size?: number; hits?: number; misses?: number} = {}): CacheSummary {
	const hits = options.hits ?? 90;
	const misses = options.misses ?? 10;
	return {
		name,
		size: options.size ?? 50,
		max: 500,
		calculatedSize: null,
		maxSize: null,
		ttlMs: 60_000,
		hits,
		misses,
		staleHits: 0,
		sets: misses,
		evictions: 3,
		expirations: 1,
		deletes: 0,
		fetches: 0,
		fetchErrors: 0,
		inflightDedups: 0,
		hitRatio: hits + misses === 0 ? null : hits / (hits + misses),
		recentHitRatio: null,
		meanFetchMs: null,
	};
}

/** A full snapshot; sections can be replaced or nulled. */
export function snapshot(overrides: Partial<Snapshot> = {}, seq = 1): Snapshot {
	return {
		seq,
		at: 1_700_000_100_000 + seq * 1000,
		host: host(),
		monitor: {series: 10, seriesCap: 1000, overflowed: false, faults: 0, bytes: 50_000, clients: 1, readonly: false, resetAt: null},
		process: {
			sampledAt: 1_700_000_100_000,
			uptimeS: 100,
			rss: 90 * 1024 * 1024,
			heapUsed: 40 * 1024 * 1024,
			heapTotal: 60 * 1024 * 1024,
			external: 1024,
			arrayBuffers: 1024,
			cpuPercent: 12,
			eventLoop: {p50Ms: 0.5, p99Ms: 3.2, maxMs: 12, utilization: 0.23},
			gc: null,
			baselineRss: 80 * 1024 * 1024,
			budgetRss: 96 * 1024 * 1024,
			rssHistory: [],
		},
		system: {
			sampledAt: 1_700_000_100_000,
			cpu: {totalPercent: 37, coresPercent: [30, 44]},
			memory: {total: 8 * 1024 ** 3, used: 3 * 1024 ** 3, available: 5 * 1024 ** 3},
			swap: {total: 2 * 1024 ** 3, used: 0},
			load: [0.52, 0.4, 0.31],
			disks: [{mount: '/', fs: '/dev/sda1', size: 100 * 1024 ** 3, used: 45 * 1024 ** 3}],
			cgroup: null,
		},
		plugins: [plugin('auth', {calls: 500, p50: 0.8, share: 0.3}), plugin('db', {calls: 300, p50: 4, share: 0.5, errors: 3}), plugin('search', {calls: 50, p50: 2, share: 0.2})],
		series: [],
		caches: [cache('users'), cache('sessions', {hits: 10, misses: 30})],
		alerts: [],
		...overrides,
	};
}

/** `n` plugins named plugin-000.. with varied numbers. */
export function manyPlugins(n: number, seed = 1): PluginSummary[] {
	return Array.from({length: n}, (_, index) =>
		plugin(`plugin-${String(index).padStart(3, '0')}`, {calls: 100 + ((index * 37 + seed * 11) % 900), p50: 0.1 + ((index * 13 + seed) % 50) / 10, errors: index % 7 === 0 ? 2 : 0, share: 1 / n}),
	);
}

/** An active alert about `subject`. */
export function alert(subject: string, message: string): import('../../source/protocol/snapshot.js').AlertData {
	return {id: `response:${subject}`, rule: 'response', subject, message, value: 1500, threshold: 1000, since: 1_700_000_090_000, state: 'active', resolvedAt: null};
}
