/**
 * Translation of a perftop cache's options into lru-cache options. Kept apart from options.ts so the public
 * declarations never load lru-cache's types (which need @types/node in a consumer).
 */
import type {LRUCache} from 'lru-cache';
import {DEFAULT_MAX_ENTRIES, DEFAULT_TTL_MS, type CacheOptions, type LoadRequest} from './options.js';

/** The hooks a cache installs into lru-cache. */
export interface LruHooks<K extends {}, V extends {}> {
	dispose: LRUCache.Disposer<K, V>;
	onInsert: LRUCache.Inserter<K, V>;
	fetchMethod: LRUCache.Fetcher<K, V, LoadRequest<K, V>>;
}

/** Translates cache options into lru-cache options (lru-cache validates them and throws a TypeError when wrong). */
export function toLruOptions<K extends {}, V extends {}>(options: CacheOptions<K, V>, hooks: LruHooks<K, V>): LRUCache.Options<K, V, LoadRequest<K, V>> {
	const swr = options.staleWhileRevalidate === true;
	const lruOptions: LRUCache.Options<K, V, LoadRequest<K, V>> = {
		max: options.max ?? DEFAULT_MAX_ENTRIES,
		ttl: options.ttlMs ?? DEFAULT_TTL_MS,
		ttlAutopurge: options.ttlAutopurge === true,
		updateAgeOnGet: options.updateAgeOnGet === true,
		allowStale: swr,
		noDeleteOnStaleGet: swr,
		// A load whose entry was deleted or evicted still answers its callers, but is not stored.
		ignoreFetchAbort: true,
		dispose: hooks.dispose,
		onInsert: hooks.onInsert,
		fetchMethod: hooks.fetchMethod,
	};
	if (options.maxSize !== undefined) lruOptions.maxSize = options.maxSize;
	if (options.sizeOf !== undefined) lruOptions.sizeCalculation = options.sizeOf;
	if (options.clock !== undefined) {
		lruOptions.perf = options.clock;
		lruOptions.ttlResolution = 0;
	}
	return lruOptions;
}
