/**
 * The registry of named caches: creates them, lists their statistics for snapshots, clears them on a
 * client's command, and ticks their recent windows on one unref'd timer (running only while a cache is
 * registered).
 */
import type {ClearCacheResult} from '../../protocol/messages.js';
import {ErrorCode, ProtocolError} from '../../protocol/errors.js';
import type {CacheSummary} from '../../protocol/snapshot.js';
import type {HostEvents} from '../monitor/events.js';
import type {Faults} from '../faults/faults.js';
import type {CacheOptions} from './options.js';
import {PerformanceCache} from './performance-cache.js';

export {PerformanceCache} from './performance-cache.js';
/** Options of a monitored cache. */
export type {CacheOptions} from './options.js';

/** How the registry keeps the caches' recent windows. */
export interface CacheRegistryOptions {
	/** Length of one window slot, ms (default 10 000). */
	slotMs?: number;
	/** Slots in the recent window (default 6: the hit ratio over about the last minute). */
	slots?: number;
	/** Tick on a timer (default true). With false, call tick() yourself (tests do). */
	timer?: boolean;
}

/** What the registry needs from a cache, whatever its key and value types. */
interface RegisteredCache {
	readonly name: string;
	getStats(): CacheSummary;
	clear(): number;
	tick(): void;
	unregister(): boolean;
}

/** The monitor's named caches: create, list, clear, unregister, and the periodic tick of their windows. */
export class CacheRegistry {
	/** Length of one window slot, ms. */
	readonly slotMs: number;
	/** Slots in the recent window. */
	readonly slots: number;
	readonly #caches = new Map<string, RegisteredCache>();
	readonly #faults: Faults;
	readonly #useTimer: boolean;
	#timer: NodeJS.Timeout | null = null;

	constructor(faults: Faults, _events: HostEvents, options: CacheRegistryOptions = {}) {
		this.#faults = faults;
		this.slotMs = options.slotMs ?? 10_000;
		this.slots = options.slots ?? 6;
		this.#useTimer = options.timer ?? true;
		if (!(this.slotMs > 0)) throw new RangeError(`perftop: cache window slotMs must be > 0, got ${this.slotMs}`);
		if (!Number.isInteger(this.slots) || this.slots < 1) throw new RangeError(`perftop: cache window slots must be a whole number >= 1, got ${this.slots}`);
	}

	/**
	 * Creates a cache registered under `name`. Throws when the name is empty or taken, and (TypeError) when
	 * lru-cache rejects the options; nothing is registered then.
	 */
	create<K extends {}, V extends {}>(name: string, options: CacheOptions<K, V> = {}): PerformanceCache<K, V> {
		if (typeof name !== 'string' || name.length === 0) throw new TypeError('perftop: a cache needs a non-empty name');
		if (this.#caches.has(name)) throw new Error(`perftop: a cache named '${name}' already exists`);
		const cache: PerformanceCache<K, V> = new PerformanceCache<K, V>(name, options, {
			faults: this.#faults,
			slots: this.slots,
			slotMs: this.slotMs,
			unregister: () => this.#remove(name, cache),
		});
		this.#caches.set(name, cache);
		this.#startTimer();
		return cache;
	}

	/** Number of registered caches. */
	get size(): number {
		return this.#caches.size;
	}

	/** Names of the registered caches, in creation order. */
	names(): string[] {
		return [...this.#caches.keys()];
	}

	/** Whether a cache is registered under `name`. */
	has(name: string): boolean {
		return this.#caches.has(name);
	}

	/** Removes the cache named `name` from the registry (the cache keeps working). Returns whether it was there. */
	unregister(name: string): boolean {
		return this.#caches.get(name)?.unregister() ?? false;
	}

	#remove(name: string, cache: RegisteredCache): void {
		if (this.#caches.get(name) !== cache) return;
		this.#caches.delete(name);
		if (this.#caches.size === 0) this.stop();
	}

	/** Statistics of every registered cache, in creation order. A cache whose stats fail is reported as a fault and left out. */
	list(): CacheSummary[] {
		const summaries: CacheSummary[] = [];
		for (const cache of this.#caches.values()) {
			try {
				summaries.push(cache.getStats());
			} catch (error) {
				this.#faults.report('cache-stats', error);
			}
		}
		return summaries;
	}

	/**
	 * Clears one cache by name, or all when name is undefined, and says how many entries each held.
	 * Throws ProtocolError(E_NOT_FOUND) for an unknown name. When clearing all, a cache whose clear fails
	 * (its dispose callback threw) is reported as a fault and left out of the result.
	 */
	clear(name?: string): ClearCacheResult {
		if (name !== undefined) {
			const cache = this.#caches.get(name);
			if (cache === undefined) throw new ProtocolError(ErrorCode.notFound, `no cache named '${name}'${this.#caches.size > 0 ? ` (caches: ${this.names().join(', ')})` : ''}`);
			return {cleared: [{name, entries: cache.clear()}]};
		}
		const cleared: ClearCacheResult['cleared'] = [];
		for (const cache of this.#caches.values()) {
			try {
				cleared.push({name: cache.name, entries: cache.clear()});
			} catch (error) {
				this.#faults.report('cache-clear', error);
			}
		}
		return {cleared};
	}

	/** One window slot passed: every cache records its counters and does its upkeep. Never throws. */
	tick(): void {
		for (const cache of this.#caches.values()) {
			try {
				cache.tick();
			} catch (error) {
				this.#faults.report('cache-tick', error);
			}
		}
	}

	/** Stops the timer (it starts again when a cache is created). */
	stop(): void {
		if (this.#timer !== null) clearInterval(this.#timer);
		this.#timer = null;
	}

	#startTimer(): void {
		if (!this.#useTimer || this.#timer !== null) return;
		this.#timer = setInterval(() => this.tick(), this.slotMs);
		this.#timer.unref();
	}
}
