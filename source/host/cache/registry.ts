// STUB (replaced by the caches work): the registry of named caches.
import type {ClearCacheResult} from '../../protocol/messages.js';
import type {CacheSummary} from '../../protocol/snapshot.js';
import type {Faults} from '../faults.js';
import type {HostEvents} from '../events.js';

export interface CacheOptions<K extends {}, V extends {}> {
	max?: number;
	ttlMs?: number;
	_types?: [K, V];
}

export class PerformanceCache<K extends {}, V extends {}> {
	get(_key: K): V | undefined {
		return undefined;
	}
}

export class CacheRegistry {
	constructor(_faults: Faults, _events: HostEvents) {}

	create<K extends {}, V extends {}>(name: string, _options?: CacheOptions<K, V>): PerformanceCache<K, V> {
		throw new Error(`perftop: caches not implemented yet (${name})`);
	}

	/** Number of registered caches. */
	get size(): number {
		return 0;
	}

	list(): CacheSummary[] {
		return [];
	}

	/** Clears one cache by name, or all when name is undefined. Throws a not-found error for an unknown name. */
	clear(_name?: string): ClearCacheResult {
		return {cleared: []};
	}
}
