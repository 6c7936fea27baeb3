import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PerformanceCache} from '../../../source/index.js';
import {FakeClock, manualRegistry} from './helpers.js';

type Value = {id: string};

function cache(options: ConstructorParameters<typeof PerformanceCache<string, Value>>[1] = {}): PerformanceCache<string, Value> {
	return new PerformanceCache<string, Value>('test', options);
}

test('a new cache has the defaults of the story: 1000 entries, one hour, no lookups yet', () => {
	const stats = cache().getStats();
	assert.equal(stats.max, 1000);
	assert.equal(stats.ttlMs, 3_600_000);
	assert.equal(stats.maxSize, null);
	assert.equal(stats.calculatedSize, null);
	assert.equal(stats.hitRatio, null);
	assert.equal(stats.recentHitRatio, null);
	assert.equal(stats.meanFetchMs, null);
});

test('an entry is a hit until its ttl has passed, then a miss and one expiration', () => {
	const clock = new FakeClock();
	const c = cache({ttlMs: 1000, clock});
	const value = {id: 'a'};
	c.set('a', value);
	clock.advance(1000);
	assert.equal(c.get('a'), value);
	clock.advance(1);
	assert.equal(c.get('a'), undefined);
	const stats = c.getStats();
	assert.equal(stats.hits, 1);
	assert.equal(stats.misses, 1);
	assert.equal(stats.expirations, 1);
	assert.equal(stats.staleHits, 0);
	assert.equal(stats.size, 0);
	assert.equal(stats.hitRatio, 0.5);
});

test('a ttl given at set time overrides the cache ttl, and 0 means never expires', () => {
	const clock = new FakeClock();
	const c = cache({ttlMs: 1000, clock});
	c.set('short', {id: 'short'}, {ttlMs: 10});
	c.set('default', {id: 'default'});
	c.set('forever', {id: 'forever'}, {ttlMs: 0});
	clock.advance(11);
	assert.equal(c.get('short'), undefined);
	assert.deepEqual(c.get('default'), {id: 'default'});
	clock.advance(10_000_000);
	assert.equal(c.get('default'), undefined);
	assert.deepEqual(c.get('forever'), {id: 'forever'});
	assert.equal(c.getStats().expirations, 2);
});

test('expired entries nobody touches are purged and counted exactly', () => {
	const clock = new FakeClock();
	const c = cache({ttlMs: 100, clock});
	for (let index = 0; index < 7; index++) c.set(`k${index}`, {id: String(index)});
	clock.advance(50);
	c.set('young', {id: 'young'});
	clock.advance(60);
	assert.equal(c.size, 8, 'expired entries stay until touched or purged');
	assert.equal(c.purgeStale(), 7);
	assert.equal(c.size, 1);
	assert.equal(c.getStats().expirations, 7);
	assert.equal(c.getStats().evictions, 0);
});

test('the registry tick purges expired entries of registered caches', () => {
	const clock = new FakeClock();
	const {registry} = manualRegistry();
	const c = registry.create<string, Value>('ticked', {ttlMs: 100, clock});
	c.set('a', {id: 'a'});
	c.set('b', {id: 'b'});
	clock.advance(101);
	registry.tick();
	assert.equal(c.size, 0);
	assert.equal(c.getStats().expirations, 2);
});

test('evictions are counted exactly and follow least-recent use', () => {
	const c = cache({max: 3});
	for (const key of ['a', 'b', 'c', 'd', 'e']) c.set(key, {id: key});
	assert.equal(c.getStats().evictions, 2);
	assert.equal(c.get('a'), undefined);
	assert.equal(c.get('b'), undefined);
	assert.ok(c.get('c'));
	c.set('f', {id: 'f'});
	assert.deepEqual(c.keys().sort(), ['c', 'e', 'f'], 'd was the least recently used');
	const stats = c.getStats();
	assert.equal(stats.evictions, 3);
	assert.equal(stats.expirations, 0);
	assert.equal(stats.deletes, 0);
	assert.equal(stats.size, 3);
});

test('maxSize with a size function evicts by size and refuses an entry larger than maxSize', () => {
	const c = new PerformanceCache<string, string>('sized', {maxSize: 10, sizeOf: value => value.length});
	c.set('a', 'xxxx');
	c.set('b', 'yyyy');
	assert.equal(c.getStats().calculatedSize, 8);
	c.set('c', 'zzzz');
	assert.equal(c.get('a'), undefined);
	c.set('huge', 'x'.repeat(11));
	assert.equal(c.get('huge'), undefined);
	const stats = c.getStats();
	assert.equal(stats.maxSize, 10);
	assert.equal(stats.calculatedSize, 8);
	assert.equal(stats.evictions, 1);
	assert.equal(stats.rejectedSets, 1);
	assert.equal(stats.sets, 3);
});

test('a size given at set time is used instead of the size function', () => {
	const c = new PerformanceCache<string, string>('sized', {maxSize: 10, sizeOf: () => 1});
	c.set('a', 'x', {size: 7});
	c.set('b', 'y', {size: 4});
	assert.equal(c.get('a'), undefined, 'a (7) had to leave for b (4)');
	assert.equal(c.getStats().calculatedSize, 4);
});

test('sets are counted as adds, updates (same value) and replaces', () => {
	const c = cache();
	const first = {id: '1'};
	c.set('a', first);
	c.set('a', first);
	c.set('a', {id: '2'});
	c.set('b', {id: 'b'});
	const stats = c.getStats();
	assert.equal(stats.adds, 2);
	assert.equal(stats.updates, 1);
	assert.equal(stats.replaces, 1);
	assert.equal(stats.sets, 4);
	assert.equal(stats.deletes, 0, 'a replaced value is not a delete');
});

test('stale-while-revalidate: get serves the stale value, counts a stale hit, and keeps the entry', () => {
	const clock = new FakeClock();
	const c = cache({ttlMs: 100, clock, staleWhileRevalidate: true});
	const value = {id: 'a'};
	c.set('a', value);
	clock.advance(101);
	assert.equal(c.has('a'), false, 'the entry is stale');
	assert.equal(c.get('a'), value);
	assert.equal(c.get('a'), value);
	const stats = c.getStats();
	assert.equal(stats.hits, 2);
	assert.equal(stats.staleHits, 2);
	assert.equal(stats.misses, 0);
	assert.equal(stats.size, 1);
	assert.equal(stats.expirations, 0);
});

test('a fresh hit after a stale hit is not counted as stale', () => {
	const clock = new FakeClock();
	const c = cache({ttlMs: 100, clock, staleWhileRevalidate: true});
	c.set('a', {id: 'a'});
	clock.advance(101);
	c.get('a');
	c.set('a', {id: 'a2'});
	c.get('a');
	assert.equal(c.getStats().staleHits, 1);
	assert.equal(c.getStats().hits, 2);
});

test('has and peek are not lookups', () => {
	const c = cache();
	c.set('a', {id: 'a'});
	assert.equal(c.has('a'), true);
	assert.deepEqual(c.peek('a'), {id: 'a'});
	assert.equal(c.peek('b'), undefined);
	const stats = c.getStats();
	assert.equal(stats.hits + stats.misses, 0);
});

test('the hit ratio since start counts every lookup', () => {
	const c = cache();
	c.set('a', {id: 'a'});
	c.get('a');
	c.get('a');
	c.get('a');
	c.get('nope');
	assert.equal(c.getStats().hitRatio, 0.75);
});

test('delete, invalidate and clear are counted as deletes; clear says how many entries it removed', () => {
	const c = cache();
	for (const key of ['a', 'b', 'c', 'd']) c.set(key, {id: key});
	assert.equal(c.invalidate('a'), true);
	assert.equal(c.invalidate('a'), false);
	assert.equal(c.clear(), 3);
	const stats = c.getStats();
	assert.equal(stats.deletes, 4);
	assert.equal(stats.size, 0);
});

test('the host dispose callback gets every value that leaves, with its reason', () => {
	const clock = new FakeClock();
	const seen: string[] = [];
	const c = cache({max: 2, ttlMs: 100, clock, dispose: (value, key, reason) => seen.push(`${key}=${value.id}:${reason}`)});
	c.set('a', {id: '1'});
	c.set('a', {id: '2'});
	c.set('b', {id: 'b'});
	c.set('c', {id: 'c'});
	c.invalidate('b');
	clock.advance(101);
	c.get('c');
	assert.deepEqual(seen, ['a=1:set', 'a=2:evict', 'b=b:delete', 'c=c:expire']);
});

test('resetStats zeroes the counters and keeps the entries', () => {
	const c = cache();
	c.set('a', {id: 'a'});
	c.get('a');
	c.get('b');
	c.resetStats();
	const stats = c.getStats();
	assert.equal(stats.hits + stats.misses + stats.sets, 0);
	assert.equal(stats.hitRatio, null);
	assert.equal(stats.size, 1);
	assert.ok(c.get('a'));
});

test('invalid options are refused by lru-cache with a TypeError', () => {
	assert.throws(() => cache({max: -1}), TypeError);
	assert.throws(() => cache({max: 0, ttlMs: 0}), TypeError);
	assert.throws(() => cache({sizeOf: () => 1}), TypeError);
});
