/**
 * A cache's counters, and the ring that gives its hit ratio over the recent window without any per-lookup
 * timestamps: the registry's timer copies the cumulative hits and misses into one slot per tick.
 */

/** Cumulative counts of one cache since it was created (or its stats were reset). */
export class CacheCounters {
	/** Lookups (get, fetch) that returned a value, fresh or stale. */
	hits = 0;
	/** Lookups that returned nothing or waited for a load. */
	misses = 0;
	/** Hits that returned a stale value (stale-while-revalidate). A subset of hits. */
	staleHits = 0;
	/** Stores of a new key. */
	adds = 0;
	/** Stores of the value a key already had. */
	updates = 0;
	/** Stores of a different value for a key. */
	replaces = 0;
	/** Stores refused because the entry is larger than maxSize. */
	rejectedSets = 0;
	/** Entries dropped to make room (dispose reason `evict`). */
	evictions = 0;
	/** Entries dropped because their time to live passed (dispose reason `expire`). */
	expirations = 0;
	/** Entries removed by delete, invalidation or clear (dispose reason `delete`). */
	deletes = 0;
	/** Loader calls. */
	fetches = 0;
	/** Loader calls that threw or rejected. */
	fetchErrors = 0;
	/** fetch() calls that joined a load already in flight instead of starting one. */
	inflightDedups = 0;
	/** Settled loads and their total duration (ms), for the mean load time. */
	loadsSettled = 0;
	loadMsTotal = 0;

	/** All stores that were kept (add + update + replace). */
	get sets(): number {
		return this.adds + this.updates + this.replaces;
	}

	reset(): void {
		this.hits = this.misses = this.staleHits = 0;
		this.adds = this.updates = this.replaces = this.rejectedSets = 0;
		this.evictions = this.expirations = this.deletes = 0;
		this.fetches = this.fetchErrors = this.inflightDedups = 0;
		this.loadsSettled = this.loadMsTotal = 0;
	}
}

/** hits / (hits + misses), or null before any lookup. */
export function hitRatio(hits: number, misses: number): number | null {
	const lookups = hits + misses;
	return lookups === 0 ? null : hits / lookups;
}

/**
 * Cumulative hits and misses as they were at each of the last `slots` ticks. The recent window is the time
 * since the oldest of them (`slots` ticks ago, or since creation while fewer ticks have passed).
 */
export class HitWindow {
	readonly slots: number;
	readonly #hits: Float64Array;
	readonly #misses: Float64Array;
	/** Next slot to write; once the ring is full it also holds the oldest snapshot. */
	#next = 0;
	#filled = 0;

	constructor(slots: number) {
		if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`perftop: window slots must be a whole number >= 1, got ${slots}`);
		this.slots = slots;
		this.#hits = new Float64Array(slots);
		this.#misses = new Float64Array(slots);
	}

	/** Records the counters as they are now (called once per slot by the registry's timer). */
	tick(counters: CacheCounters): void {
		this.#hits[this.#next] = counters.hits;
		this.#misses[this.#next] = counters.misses;
		this.#next = (this.#next + 1) % this.slots;
		if (this.#filled < this.slots) this.#filled++;
	}

	/** Hit ratio of the lookups since the oldest snapshot; null when there were none. */
	ratio(counters: CacheCounters): number | null {
		const full = this.#filled === this.slots;
		const hits = counters.hits - (full ? this.#hits[this.#next]! : 0);
		const misses = counters.misses - (full ? this.#misses[this.#next]! : 0);
		return hitRatio(hits, misses);
	}

	/** Forgets every snapshot (with the counters reset, the window starts again from zero). */
	reset(): void {
		this.#next = 0;
		this.#filled = 0;
	}
}
