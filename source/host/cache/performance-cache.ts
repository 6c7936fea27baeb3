/**
 * PerformanceCache: an lru-cache with exact statistics, single-flight loads, and invalidation by key,
 * predicate, key prefix and tag.
 *
 * The statistics come from lru-cache itself: lookups from the `status` object it fills synchronously (one
 * object per cache, reused, so a lookup allocates nothing) and removals from its dispose reasons. Loads are
 * counted and timed where they happen, in the fetchMethod, because their outcome reaches the status object
 * only later and asynchronously.
 */
import {LRUCache} from 'lru-cache';
import type {CacheSummary} from '../../protocol/snapshot.js';
import {Faults} from '../faults/faults.js';
import {CacheCounters, HitWindow, hitRatio} from './counters.js';
import {toLruOptions} from './lru-options.js';
import type {CacheClock, CacheFetchOptions, CacheOptions, CacheSetOptions, LoadRequest, Loader} from './options.js';
import {TagIndex} from './tags.js';

type Status<K, V> = LRUCache.Status<K, V, LoadRequest<K, V>>;

/** What a registry gives the caches it owns. */
export interface CacheHost {
	faults: Faults;
	/** Slots of the recent window and their length (the registry ticks every slotMs). */
	slots: number;
	slotMs: number;
	/** Removes the cache from the registry. */
	unregister(): void;
}

/** Window used by a cache made without a registry (it is never ticked: its recent window is "since start"). */
const STANDALONE_WINDOW = {slots: 6, slotMs: 10_000};

/**
 * Above this many entries the periodic upkeep does not walk the cache for expired entries (a walk of a huge
 * cache would hold up the host's event loop); they still leave when touched, or on time with ttlAutopurge.
 */
export const PERIODIC_PURGE_MAX_ENTRIES = 50_000;

/**
 * A named cache with statistics: get, set, fetch (single-flight loads), invalidate by key, predicate,
 * prefix or tag, clear, getStats.
 */
export class PerformanceCache<K extends {}, V extends {}> {
	/** The name the cache is listed under. */
	readonly name: string;
	readonly #lru: LRUCache<K, V, LoadRequest<K, V>>;
	readonly #counters = new CacheCounters();
	readonly #window: HitWindow;
	readonly #windowMs: number;
	readonly #tags = new TagIndex<K>();
	/** Keys with a load in flight (count of loads per key). */
	readonly #loading = new Map<K, number>();
	/** Filled by lru-cache on get and set (synchronous only). */
	readonly #status: Status<K, V> = {};
	readonly #getOptions: LRUCache.GetOptions<K, V, LoadRequest<K, V>>;
	readonly #setOptions: LRUCache.SetOptions<K, V, LoadRequest<K, V>>;
	/** Filled by lru-cache on fetch; also written later by loads that settle, so only its synchronous fields are read. */
	readonly #fetchStatus: Status<K, V> = {};
	readonly #defaultRequest: LoadRequest<K, V> | null;
	readonly #defaultFetchOptions: LRUCache.FetchOptionsWithContext<K, V, LoadRequest<K, V>> | null;
	readonly #load: Loader<K, V> | undefined;
	readonly #userDispose: CacheOptions<K, V>['dispose'];
	readonly #clock: CacheClock;
	readonly #staleWhileRevalidate: boolean;
	readonly #faults: Faults;
	/** False for a disabled monitor's caches: lookups and stores skip the status objects and the counting. */
	readonly #stats: boolean;
	#host: CacheHost | null;

	/**
	 * Makes a cache. Caches made by `monitor.createCache(name, options)` are registered (listed in snapshots,
	 * cleared by clients, their recent window ticking); one made directly is not.
	 * Defaults: at most 1000 entries, time to live one hour. Invalid options throw a TypeError. With
	 * `stats: false` (a disabled monitor's caches) get and set do no statistics work: getStats() then reports
	 * loads and removals only.
	 */
	constructor(name: string, options: CacheOptions<K, V> = {}, host?: CacheHost, {stats = true}: {stats?: boolean} = {}) {
		this.name = name;
		this.#stats = stats;
		this.#host = host ?? null;
		this.#faults = host?.faults ?? new Faults();
		const window = host ?? STANDALONE_WINDOW;
		this.#window = new HitWindow(window.slots);
		this.#windowMs = window.slots * window.slotMs;
		this.#load = options.load;
		this.#userDispose = options.dispose;
		this.#clock = options.clock ?? performance;
		this.#staleWhileRevalidate = options.staleWhileRevalidate === true;
		this.#lru = new LRUCache(toLruOptions(options, {dispose: this.#onDispose, onInsert: this.#onInsert, fetchMethod: this.#fetchMethod}));
		this.#getOptions = stats ? {status: this.#status} : {};
		this.#setOptions = stats ? {status: this.#status} : {};
		this.#defaultRequest = this.#load === undefined ? null : {load: this.#load, tags: undefined};
		this.#defaultFetchOptions = this.#defaultRequest === null ? null : {status: this.#fetchStatus, context: this.#defaultRequest};
	}

	// ---- lookups and stores ----

	/** The value of `key`, or undefined. Counts a hit (a stale hit when a stale value is served) or a miss. */
	get(key: K): V | undefined {
		if (!this.#stats) return this.#lru.get(key);
		const value = this.#lru.get(key, this.#getOptions);
		if (this.#status.get === 'hit') this.#counters.hits++;
		else this.#countOtherGet(value);
		return value;
	}

	#countOtherGet(value: V | undefined): void {
		const counters = this.#counters;
		if (this.#status.returnedStale === true) {
			this.#status.returnedStale = undefined;
			counters.hits++;
			counters.staleHits++;
		} else if (value !== undefined) {
			// 'fetching': a fresh value that is being refreshed is still served.
			counters.hits++;
		} else {
			counters.misses++;
		}
	}

	/** Stores `value` under `key` (counted as an add, update or replace). Tags given here replace the key's tags. */
	set(key: K, value: V, options?: CacheSetOptions): this {
		if (!this.#stats && options?.tags === undefined && this.#tags.keyCount === 0) {
			this.#lru.set(key, value, options === undefined ? this.#setOptions : {ttl: options.ttlMs, size: options.size});
			return this;
		}
		this.#lru.set(key, value, options === undefined ? this.#setOptions : {status: this.#status, ttl: options.ttlMs, size: options.size});
		// Adds, updates and replaces are counted by the onInsert hook (stores by loads included).
		const outcome = this.#status.set;
		if (outcome === 'miss') this.#counters.rejectedSets++;
		const tags = options?.tags;
		if (tags !== undefined || this.#tags.keyCount !== 0) this.#retag(key, outcome === 'miss' || outcome === 'deleted' ? undefined : tags);
		return this;
	}

	/**
	 * The value of `key`, loading it when it is missing or stale. Concurrent fetches of one key share one load
	 * (single flight). With staleWhileRevalidate a stale value is returned at once and reloaded in the
	 * background. A loader's error rejects every caller waiting for that load, is counted, and is never cached.
	 */
	fetch(key: K, options?: CacheFetchOptions<K, V>): Promise<V> {
		let fetchOptions = this.#defaultFetchOptions;
		if (options !== undefined) {
			const load = options.load ?? this.#load;
			fetchOptions =
				load === undefined
					? null
					: {status: this.#fetchStatus, context: {load, tags: options.tags}, forceRefresh: options.forceRefresh, ttl: options.ttlMs};
		}
		if (fetchOptions === null) return Promise.reject(new TypeError(`perftop: cache '${this.name}': fetch() needs a loader (the cache's load option or the call's)`));
		const status = this.#fetchStatus;
		status.returnedStale = undefined;
		const promise = this.#lru.fetch(key, fetchOptions);
		this.#countFetch(status.fetch, status.returnedStale === true);
		return promise as Promise<V>;
	}

	#countFetch(outcome: Status<K, V>['fetch'], servedStale: boolean): void {
		const counters = this.#counters;
		if (outcome === 'hit') {
			counters.hits++;
		} else if (outcome === 'miss') {
			counters.misses++;
		} else if (outcome === 'stale' || outcome === 'inflight') {
			// Waiting for a load (a new one, or one in flight that this call joins) is a miss, unless a stale
			// value was served meanwhile.
			if (outcome === 'inflight') counters.inflightDedups++;
			if (servedStale) {
				counters.hits++;
				counters.staleHits++;
			} else {
				counters.misses++;
			}
		}
		// 'refresh' (forceRefresh) is a load, not a lookup.
	}

	/** Whether a fresh value is cached under `key` (not counted as a lookup). */
	has(key: K): boolean {
		return this.#lru.has(key);
	}

	/** The cached value without counting a lookup or changing its recency. */
	peek(key: K): V | undefined {
		return this.#lru.peek(key);
	}

	/** Keys of the fresh entries, most recently used first. */
	keys(): K[] {
		return [...this.#lru.keys()];
	}

	/** Entries held, including expired ones not yet purged and loads of new keys in flight. */
	get size(): number {
		return this.#lru.size;
	}

	// ---- invalidation ----

	/** Removes `key` (a load in flight for it is not stored). Returns whether anything was there. */
	invalidate(key: K): boolean {
		const removed = this.#lru.delete(key);
		// An entry being refreshed leaves without a dispose call; its tags must go too.
		if (this.#tags.keyCount !== 0) this.#tags.remove(key);
		return removed;
	}

	/** Removes every entry whose (value, key) satisfies `predicate`. Returns how many were removed. */
	invalidateWhere(predicate: (value: V, key: K) => boolean): number {
		const keys: K[] = [];
		this.#lru.forEach((value, key) => {
			if (predicate(value, key)) keys.push(key);
		});
		return this.#invalidateKeys(keys);
	}

	/** Removes every entry (and load in flight) whose key is a string starting with `prefix`. Returns how many. */
	invalidatePrefix(prefix: string): number {
		const keys = new Set<K>();
		const matches = (key: K): boolean => typeof key === 'string' && key.startsWith(prefix);
		this.#lru.forEach((_value, key) => {
			if (matches(key)) keys.add(key);
		});
		for (const key of this.#loading.keys()) if (matches(key)) keys.add(key);
		return this.#invalidateKeys(keys);
	}

	/** Removes every entry stored with `tag`. Returns how many were removed. */
	invalidateTag(tag: string): number {
		return this.#invalidateKeys(this.#tags.keysOf(tag));
	}

	#invalidateKeys(keys: Iterable<K>): number {
		let removed = 0;
		for (const key of keys) if (this.invalidate(key)) removed++;
		return removed;
	}

	/** Removes every entry; returns how many there were. Loads in flight finish for their callers but are not stored. */
	clear(): number {
		const entries = this.#lru.size;
		this.#lru.clear();
		this.#tags.clear();
		return entries;
	}

	/** Removes the expired entries now (counted as expirations); returns how many. */
	purgeStale(): number {
		const before = this.#counters.expirations;
		this.#lru.purgeStale();
		return this.#counters.expirations - before;
	}

	// ---- statistics ----

	/** The cache's statistics, as listed in snapshots. Counts are since creation (or resetStats()). */
	getStats(): CacheSummary {
		const counters = this.#counters;
		const lru = this.#lru;
		return {
			name: this.name,
			size: lru.size,
			max: lru.max === 0 ? null : lru.max,
			calculatedSize: lru.maxSize === 0 ? null : lru.calculatedSize,
			maxSize: lru.maxSize === 0 ? null : lru.maxSize,
			ttlMs: lru.ttl === 0 ? null : lru.ttl,
			hits: counters.hits,
			misses: counters.misses,
			staleHits: counters.staleHits,
			sets: counters.sets,
			evictions: counters.evictions,
			expirations: counters.expirations,
			deletes: counters.deletes,
			fetches: counters.fetches,
			fetchErrors: counters.fetchErrors,
			inflightDedups: counters.inflightDedups,
			hitRatio: hitRatio(counters.hits, counters.misses),
			recentHitRatio: this.#window.ratio(counters),
			meanFetchMs: counters.loadsSettled === 0 ? null : counters.loadMsTotal / counters.loadsSettled,
			windowMs: this.#windowMs,
			adds: counters.adds,
			updates: counters.updates,
			replaces: counters.replaces,
			rejectedSets: counters.rejectedSets,
			loading: this.#loading.size,
			tags: this.#tags.tagCount,
		};
	}

	/** Zeroes the counters and the recent window (entries are kept). */
	resetStats(): void {
		this.#counters.reset();
		this.#window.reset();
	}

	/** Whether the cache is listed by a registry. */
	get registered(): boolean {
		return this.#host !== null;
	}

	/** Removes the cache from its registry (it keeps working, unlisted). Returns whether it was registered. */
	unregister(): boolean {
		const host = this.#host;
		if (host === null) return false;
		this.#host = null;
		host.unregister();
		return true;
	}

	/**
	 * Periodic upkeep, called by the registry once per window slot: records the window slot, drops the
	 * references the status objects hold, removes expired entries (unless stale values are served, or the
	 * cache holds more than PERIODIC_PURGE_MAX_ENTRIES), and sweeps the tag index.
	 */
	tick(): void {
		this.#window.tick(this.#counters);
		releaseReferences(this.#status);
		releaseReferences(this.#fetchStatus);
		if (!this.#staleWhileRevalidate && this.#lru.ttl !== 0 && this.#lru.size <= PERIODIC_PURGE_MAX_ENTRIES) this.#lru.purgeStale();
		if (this.#tags.keyCount > this.#lru.size) this.#sweepTags();
	}

	// ---- lru-cache hooks ----

	readonly #onDispose = (value: V, key: K, reason: LRUCache.DisposeReason): void => {
		const counters = this.#counters;
		if (reason === 'evict') counters.evictions++;
		else if (reason === 'expire') counters.expirations++;
		else if (reason === 'delete') counters.deletes++;
		// 'set': the key stays, with the tags of the store that replaced the value.
		if (reason !== 'set' && this.#tags.keyCount !== 0) this.#tags.remove(key);
		if (this.#userDispose !== undefined) this.#userDispose(value, key, reason);
	};

	readonly #onInsert = (_value: V, _key: K, reason: 'add' | 'update' | 'replace'): void => {
		const counters = this.#counters;
		if (reason === 'add') counters.adds++;
		else if (reason === 'replace') counters.replaces++;
		else counters.updates++;
	};

	readonly #fetchMethod = (key: K, staleValue: V | undefined, {signal, context}: LRUCache.FetcherOptions<K, V, LoadRequest<K, V>>): Promise<V> => {
		this.#counters.fetches++;
		this.#loading.set(key, (this.#loading.get(key) ?? 0) + 1);
		const started = this.#clock.now();
		let result: V | Promise<V>;
		try {
			result = context.load(key, {signal, staleValue});
		} catch (error) {
			this.#settle(key, started, true);
			return Promise.reject(error);
		}
		return Promise.resolve(result).then(
			value => {
				this.#settle(key, started, false);
				// An aborted load (its entry deleted, evicted, cleared or overwritten) is not stored.
				if (!signal.aborted && (context.tags !== undefined || this.#tags.keyCount !== 0)) this.#retag(key, context.tags);
				return value;
			},
			(error: unknown) => {
				this.#settle(key, started, true);
				throw error;
			},
		);
	};

	#settle(key: K, started: number, failed: boolean): void {
		const counters = this.#counters;
		counters.loadsSettled++;
		counters.loadMsTotal += this.#clock.now() - started;
		if (failed) counters.fetchErrors++;
		const loads = this.#loading.get(key) ?? 1;
		if (loads <= 1) this.#loading.delete(key);
		else this.#loading.set(key, loads - 1);
	}

	#retag(key: K, tags: readonly string[] | undefined): void {
		this.#tags.assign(key, tags);
		// Keys that left without a dispose call are swept before they can outgrow the cache.
		if (this.#tags.keyCount > 2 * this.#lru.size + 16) this.#sweepTags();
	}

	#sweepTags(): void {
		try {
			this.#tags.sweep(key => this.#lru.info(key) !== undefined);
		} catch (error) {
			this.#faults.report('cache-tags', error);
		}
	}
}

/** Drops the keys, values, errors and contexts a reused status object would otherwise keep alive. */
function releaseReferences<K, V>(status: Status<K, V>): void {
	status.key = undefined;
	status.value = undefined;
	status.oldValue = undefined;
	status.context = undefined;
	status.fetchError = undefined;
}
