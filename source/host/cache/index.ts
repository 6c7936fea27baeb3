/** Caches: the public part. */
export {PerformanceCache, type CacheOptions} from './registry.js';
