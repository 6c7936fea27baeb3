/**
 * Histories for sparklines: host-wide meters plus per-plugin and per-hook trends and each cache's hit ratio, one
 * value per snapshot. A value that is not measured is kept as NaN so the time axis stays aligned (a sparkline
 * leaves a gap).
 *
 * Memory is bounded by what the host reports, not by how long the TUI runs: two rings per plugin and two per
 * hook of the latest snapshot (the host caps its series) and one per cache, each holding at most
 * HISTORY_CAPACITY values plus a quarter of slack as 32-bit floats (ring.ts); plugins, hooks and caches that
 * leave the snapshot are dropped.
 */
import type {Snapshot} from '../../protocol/snapshot.js';
import {emptyRing, pushRing, type Ring} from './ring.js';

/** Values kept per history (enough for the widest sparkline). */
export const HISTORY_CAPACITY = 120;

/** Trend of one plugin or one hook. */
export interface TrendHistory {
	rate: Ring;
	p99: Ring;
}

/** A plugin's trend with its hooks' trends (a short list: plugins have a few hooks, compared by name). */
export interface PluginTrend extends TrendHistory {
	hookTrends: ReadonlyArray<{op: string; trend: TrendHistory}>;
}

/** Everything the sparklines draw. */
export interface History {
	cpu: Ring;
	memory: Ring;
	rss: Ring;
	heap: Ring;
	loopP99: Ring;
	elu: Ring;
	plugins: Readonly<Record<string, PluginTrend>>;
	/** Hit ratio of each cache of the latest snapshot (recent window, else since creation), 0..1. */
	caches: Readonly<Record<string, Ring>>;
}

/** The trend of hook `op` of plugin `plugin`, if recorded. */
export function hookTrend(history: History, plugin: string, op: string): TrendHistory | undefined {
	return history.plugins[plugin]?.hookTrends.find(entry => entry.op === op)?.trend;
}

/** Empty histories. */
export function emptyHistory(capacity = HISTORY_CAPACITY): History {
	const ring = emptyRing(capacity);
	return {cpu: ring, memory: ring, rss: ring, heap: ring, loopP99: ring, elu: ring, plugins: Object.create(null) as Record<string, PluginTrend>, caches: Object.create(null) as Record<string, Ring>};
}

const value = (x: number | null | undefined): number => (x === null || x === undefined ? Number.NaN : x);

function pushTrend(previous: TrendHistory | undefined, capacity: number, rate: number, p99: number | null): TrendHistory {
	const base = previous ?? {rate: emptyRing(capacity), p99: emptyRing(capacity)};
	return {rate: pushRing(base.rate, rate), p99: pushRing(base.p99, value(p99))};
}

/**
 * Histories with one more point from `snapshot`. Plugins and hooks that are no longer in the snapshot are
 * dropped, so memory follows what the host has, not what it ever had.
 */
export function recordSnapshot(history: History, snapshot: Snapshot): History {
	const capacity = history.cpu.capacity;
	const system = snapshot.system;
	const processSection = snapshot.process;
	const memory = system?.memory ? system.memory.used / Math.max(1, system.memory.total) : null;
	// Dictionary object from the start: adding hundreds of keys to a literal {} costs a hidden class each.
	const plugins = Object.create(null) as Record<string, PluginTrend>;
	for (const plugin of snapshot.plugins) {
		const previous = history.plugins[plugin.name];
		const hookTrends: Array<{op: string; trend: TrendHistory}> = [];
		for (const hook of plugin.hooks) {
			const old = previous?.hookTrends.find(entry => entry.op === hook.op)?.trend;
			hookTrends.push({op: hook.op, trend: pushTrend(old, capacity, hook.recent.rate, hook.recent.p99Ms ?? hook.p99Ms)});
		}
		const trend = pushTrend(previous, capacity, plugin.recent.rate, plugin.recent.p99Ms ?? plugin.calls.p99Ms);
		plugins[plugin.name] = {rate: trend.rate, p99: trend.p99, hookTrends};
	}
	const caches = Object.create(null) as Record<string, Ring>;
	for (const cache of snapshot.caches ?? []) caches[cache.name] = pushRing(history.caches[cache.name] ?? emptyRing(capacity), value(cache.recentHitRatio ?? cache.hitRatio));
	return {
		cpu: pushRing(history.cpu, value(system?.cpu?.totalPercent)),
		memory: pushRing(history.memory, value(memory)),
		rss: pushRing(history.rss, value(processSection?.rss)),
		heap: pushRing(history.heap, value(processSection?.heapUsed)),
		loopP99: pushRing(history.loopP99, value(processSection?.eventLoop?.p99Ms)),
		elu: pushRing(history.elu, value(processSection?.eventLoop?.utilization)),
		plugins,
		caches,
	};
}
