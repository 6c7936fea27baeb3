/** Caches: the public part. */
export {PerformanceCache, PERIODIC_PURGE_MAX_ENTRIES, type CacheHost} from './performance-cache.js';
export {CacheRegistry, type CacheRegistryOptions} from './registry.js';
export {DEFAULT_MAX_ENTRIES, DEFAULT_TTL_MS, type CacheClock, type CacheFetchOptions, type CacheOptions, type CacheSetOptions, type DisposeReason, type LoadContext, type Loader, type LoadSignal} from './options.js';
