/**
 * Randomized operation sequences (seeded, so a failure can be replayed) run against a PerformanceCache and
 * against a small reference model of an LRU cache with time to live, which keeps its own counters. After
 * every operation, the cache's stats and answers must equal the model's.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PerformanceCache} from '../../../source/index.js';
import {seededRandom as prng} from '../../helpers/random.js';
import {FakeClock} from './helpers.js';

type Value = {n: number};

interface ModelEntry {
	value: Value;
	start: number;
	ttl: number;
	tags: string[];
}

/** The expected behaviour, written plainly: Map order is recency (least recent first). */
class ReferenceCache {
	readonly entries = new Map<string, ModelEntry>();
	hits = 0;
	misses = 0;
	staleHits = 0;
	adds = 0;
	updates = 0;
	replaces = 0;
	evictions = 0;
	expirations = 0;
	deletes = 0;

	constructor(
		readonly clock: FakeClock,
		readonly max: number,
		readonly ttl: number,
		readonly swr: boolean,
	) {}

	stale(entry: ModelEntry): boolean {
		return entry.ttl !== 0 && this.clock.now() - entry.start > entry.ttl;
	}

	get(key: string): Value | undefined {
		const entry = this.entries.get(key);
		if (entry === undefined) {
			this.misses++;
			return undefined;
		}
		if (this.stale(entry)) {
			if (this.swr) {
				this.hits++;
				this.staleHits++;
				return entry.value;
			}
			this.entries.delete(key);
			this.expirations++;
			this.misses++;
			return undefined;
		}
		this.hits++;
		this.entries.delete(key);
		this.entries.set(key, entry);
		return entry.value;
	}

	set(key: string, value: Value, ttl: number | undefined, tags: string[]): void {
		const entry = {value, start: this.clock.now(), ttl: ttl ?? this.ttl, tags};
		const old = this.entries.get(key);
		if (old !== undefined) {
			if (old.value === value) this.updates++;
			else this.replaces++;
			this.entries.delete(key);
		} else {
			if (this.entries.size === this.max) {
				this.entries.delete(this.entries.keys().next().value!);
				this.evictions++;
			}
			this.adds++;
		}
		this.entries.set(key, entry);
	}

	invalidate(key: string): boolean {
		if (!this.entries.delete(key)) return false;
		this.deletes++;
		return true;
	}

	/** Prefix invalidation sees the entries lru-cache iterates: fresh ones, or all when stale ones are served. */
	invalidatePrefix(prefix: string): number {
		const keys = [...this.entries].filter(([key, entry]) => key.startsWith(prefix) && (this.swr || !this.stale(entry))).map(([key]) => key);
		for (const key of keys) this.invalidate(key);
		return keys.length;
	}

	invalidateTag(tag: string): number {
		const keys = [...this.entries].filter(([, entry]) => entry.tags.includes(tag)).map(([key]) => key);
		for (const key of keys) this.invalidate(key);
		return keys.length;
	}

	purgeStale(): number {
		const keys = [...this.entries].filter(([, entry]) => this.stale(entry)).map(([key]) => key);
		for (const key of keys) this.entries.delete(key);
		this.expirations += keys.length;
		return keys.length;
	}

	clear(): number {
		const entries = this.entries.size;
		this.entries.clear();
		this.deletes += entries;
		return entries;
	}

	has(key: string): boolean {
		const entry = this.entries.get(key);
		return entry !== undefined && !this.stale(entry);
	}
}

const KEYS = ['user:1', 'user:2', 'user:3', 'user:4', 'post:1', 'post:2', 'post:3', 'post:4', 'tag:1', 'tag:2'];
const TAGS = ['red', 'blue', 'green'];

function run(seed: number, swr: boolean): void {
	const random = prng(seed);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
	const clock = new FakeClock();
	const max = 6;
	const ttl = 50;
	const cache = new PerformanceCache<string, Value>('model', {max, ttlMs: ttl, clock, staleWhileRevalidate: swr});
	const model = new ReferenceCache(clock, max, ttl, swr);
	let counter = 0;
	for (let step = 0; step < 1500; step++) {
		const where = `seed ${seed}${swr ? ' (swr)' : ''}, step ${step}`;
		const roll = random();
		const key = pick(KEYS);
		if (roll < 0.35) {
			assert.equal(cache.get(key), model.get(key), `${where}: get ${key}`);
		} else if (roll < 0.6) {
			const current = model.entries.get(key)?.value;
			const value = current !== undefined && random() < 0.3 ? current : {n: ++counter};
			const entryTtl = random() < 0.2 ? pick([10, 100, 0]) : undefined;
			const tags = random() < 0.4 ? [pick(TAGS)] : [];
			cache.set(key, value, {ttlMs: entryTtl, tags});
			model.set(key, value, entryTtl, tags);
		} else if (roll < 0.7) {
			clock.advance(Math.floor(random() * 30));
		} else if (roll < 0.76) {
			assert.equal(cache.invalidate(key), model.invalidate(key), `${where}: invalidate ${key}`);
		} else if (roll < 0.8) {
			const prefix = pick(['user:', 'post:', 'tag:', 'post:1']);
			assert.equal(cache.invalidatePrefix(prefix), model.invalidatePrefix(prefix), `${where}: invalidatePrefix ${prefix}`);
		} else if (roll < 0.85) {
			const tag = pick(TAGS);
			assert.equal(cache.invalidateTag(tag), model.invalidateTag(tag), `${where}: invalidateTag ${tag}`);
		} else if (roll < 0.88) {
			assert.equal(cache.purgeStale(), model.purgeStale(), `${where}: purgeStale`);
		} else if (roll < 0.895) {
			assert.equal(cache.clear(), model.clear(), `${where}: clear`);
		} else {
			assert.equal(cache.has(key), model.has(key), `${where}: has ${key}`);
		}
		const stats = cache.getStats();
		assert.deepEqual(
			{
				hits: stats.hits,
				misses: stats.misses,
				staleHits: stats.staleHits,
				adds: stats.adds,
				updates: stats.updates,
				replaces: stats.replaces,
				sets: stats.sets,
				evictions: stats.evictions,
				expirations: stats.expirations,
				deletes: stats.deletes,
				size: stats.size,
			},
			{
				hits: model.hits,
				misses: model.misses,
				staleHits: model.staleHits,
				adds: model.adds,
				updates: model.updates,
				replaces: model.replaces,
				sets: model.adds + model.updates + model.replaces,
				evictions: model.evictions,
				expirations: model.expirations,
				deletes: model.deletes,
				size: model.entries.size,
			},
			`${where}: stats`,
		);
		const lookups = model.hits + model.misses;
		assert.equal(stats.hitRatio, lookups === 0 ? null : model.hits / lookups, `${where}: hit ratio`);
	}
	assert.ok(model.evictions > 0 && model.expirations > 0 && model.deletes > 0 && model.hits > 0, `seed ${seed}: the sequence exercised every counter`);
	if (swr) assert.ok(model.staleHits > 0, `seed ${seed}: stale hits happened`);
}

test('stats equal a reference counter over randomized operation sequences', () => {
	for (let seed = 1; seed <= 25; seed++) run(seed, false);
});

test('stats equal a reference counter over randomized sequences with stale-while-revalidate', () => {
	for (let seed = 101; seed <= 125; seed++) run(seed, true);
});
