/**
 * Cached query results, kept in a perftop cache so hits, misses and evictions show up in the monitor.
 * Keys start with the slice of the table they depend on (`orders:<status or any>:...`, `stats`), so a
 * write invalidates only the results it can change.
 */
import type {PerformanceCache} from 'perftop';
import type {OrderChange} from './order-store.js';

/** The status slice a list key depends on: one status, or `any` for unfiltered lists. */
export type Slice = string | 'any';

/** A cache of query results with write-aware invalidation. */
export class QueryCache {
	constructor(readonly cache: PerformanceCache<string, object>) {}

	/** The cached value for `key`, or the loader's result (stored for next time). */
	get<T extends object>(key: string, load: () => T): T {
		const cached = this.cache.get(key);
		if (cached !== undefined) return cached as T;
		const value = load();
		this.cache.set(key, value);
		return value;
	}

	/** The key of a list query over `slice`. */
	static listKey(slice: Slice, rest: string): string {
		return `orders:${slice}:${rest}`;
	}

	/** Drops every result a change can affect: unfiltered lists, lists of the old and new status, stats. */
	invalidate(change: OrderChange): number {
		let dropped = this.cache.invalidatePrefix('orders:any:');
		for (const status of new Set([change.before?.status, change.after.status])) {
			if (status !== undefined) dropped += this.cache.invalidatePrefix(`orders:${status}:`);
		}
		if (this.cache.invalidate('stats')) dropped++;
		return dropped;
	}
}
