/**
 * Options of a perftop cache and of its calls (lru-options.ts translates them into lru-cache options). Part of
 * the public declarations: nothing here needs @types/node or lru-cache's types in a consumer.
 */

/** Default entry limit of a cache. */
export const DEFAULT_MAX_ENTRIES = 1000;

/** Default time to live of an entry: one hour. */
export const DEFAULT_TTL_MS = 3_600_000;

/**
 * The `AbortSignal` of the consumer's typings (Node's or the DOM's); where it has neither, the part a loader
 * can read without them.
 */
export type LoadSignal = typeof globalThis extends {AbortSignal: {prototype: infer S}} ? S : {readonly aborted: boolean; readonly reason: unknown};

/** Why a value left a cache (lru-cache's dispose reasons). */
export type DisposeReason = 'evict' | 'set' | 'delete' | 'expire' | 'fetch';

/** What a loader gets besides the key. */
export interface LoadContext<V> {
	/** Aborted when the pending load is no longer wanted (its entry was deleted, evicted or cleared). */
	signal: LoadSignal;
	/** The value being replaced, when the entry is stale or refreshed. */
	staleValue: V | undefined;
}

/** Loads the value of a key for fetch(). Thrown errors and rejections are counted and never cached. */
export type Loader<K, V> = (key: K, context: LoadContext<V>) => V | Promise<V>;

/**
 * A clock in milliseconds (lru-cache's `perf`); `performance` by default. Its readings must be > 0 (lru-cache
 * treats a start time of 0 as "no time to live").
 */
export interface CacheClock {
	now(): number;
}

/** How a cache behaves; everything is optional. */
export interface CacheOptions<K extends {}, V extends {}> {
	/** Maximum number of entries (default 1000). 0 removes the entry limit; then maxSize or ttlMs must bound the cache. */
	max?: number;
	/** Time to live of an entry in ms (default 3 600 000, one hour); 0: entries never expire. */
	ttlMs?: number;
	/** Bound on the total size of the entries, in the units that `sizeOf` (or a set's `size`) gives. */
	maxSize?: number;
	/** Size of one entry, a positive integer; needed with maxSize unless every set passes `size`. */
	sizeOf?: (value: V, key: K) => number;
	/** Loads missing and stale values for fetch(); a fetch may pass its own loader instead. */
	load?: Loader<K, V>;
	/**
	 * Serve a stale value instead of nothing: get() returns it (and keeps it), fetch() returns it at once and
	 * reloads it in the background. Stale values served are counted as stale hits.
	 */
	staleWhileRevalidate?: boolean;
	/**
	 * Remove each expired entry on time (one timer per entry). Otherwise expired entries leave when they are
	 * touched, on the registry's periodic purge, or on purgeStale().
	 */
	ttlAutopurge?: boolean;
	/** Reading an entry with get() or fetch() restarts its time to live. */
	updateAgeOnGet?: boolean;
	/** Called whenever a value leaves the cache, with lru-cache's reason (evict, expire, delete, set, fetch). */
	dispose?: (value: V, key: K, reason: DisposeReason) => void;
	/**
	 * Clock for time to live, in ms; tests pass a fake. Default: `performance`. With a clock of your own,
	 * every staleness check reads it (lru-cache's 1 ms reuse of the last reading is switched off).
	 */
	clock?: CacheClock;
}

/** Options of one set(). */
export interface CacheSetOptions {
	/** Time to live of this entry in ms (0: never expires); default: the cache's ttlMs. */
	ttlMs?: number;
	/** Size of this entry (with maxSize); default: the cache's sizeOf. */
	size?: number;
	/** Tags for invalidateTag(); they belong to the value stored and are replaced by the next store. */
	tags?: readonly string[];
}

/** Options of one fetch(). */
export interface CacheFetchOptions<K, V> {
	/** The loader for this call (default: the cache's `load`). Joined loads use the first caller's loader. */
	load?: Loader<K, V>;
	/** Load even when a fresh value is cached. A forced refresh is a load, not a lookup. */
	forceRefresh?: boolean;
	/** Time to live of the loaded entry in ms; default: the cache's ttlMs. */
	ttlMs?: number;
	/** Tags for the loaded value (see CacheSetOptions.tags). */
	tags?: readonly string[];
}

/** What the cache's fetchMethod receives as lru-cache context: the loader and tags of the dispatching call. */
export interface LoadRequest<K, V> {
	load: Loader<K, V>;
	tags: readonly string[] | undefined;
}
