import assert from 'node:assert/strict';
import {test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {ErrorCode, PerformanceMonitor, ProtocolError, type HostEvent} from '../../../source/index.js';
import {CacheRegistry} from '../../../source/host/cache/index.js';
import {Faults} from '../../../source/host/faults/faults.js';
import {HostEvents} from '../../../source/host/monitor/events.js';
import {manualRegistry} from './helpers.js';

function monitor(): PerformanceMonitor {
	return new PerformanceMonitor({samplers: false, alerts: false});
}

test('snapshots list no caches (null) until one is created, then each cache with its stats', () => {
	const m = monitor();
	assert.equal(m.snapshot().caches, null);
	const users = m.createCache<string, string>('users', {max: 10});
	m.createCache<string, string>('posts');
	users.set('a', 'A');
	users.get('a');
	users.get('b');
	const caches = m.snapshot().caches;
	assert.deepEqual(caches?.map(cache => cache.name), ['users', 'posts']);
	const listed = caches?.[0];
	assert.equal(listed?.size, 1);
	assert.equal(listed?.max, 10);
	assert.equal(listed?.hits, 1);
	assert.equal(listed?.misses, 1);
	assert.equal(listed?.hitRatio, 0.5);
	m.cacheRegistry.stop();
});

test('a duplicate or empty cache name is refused and the existing cache is kept', () => {
	const m = monitor();
	const first = m.createCache<string, string>('users');
	first.set('a', 'A');
	assert.throws(() => m.createCache('users'), /already exists/);
	assert.throws(() => m.createCache(''), TypeError);
	assert.equal(m.snapshot().caches?.[0]?.size, 1);
	assert.equal(m.cacheRegistry.size, 1);
	m.cacheRegistry.stop();
});

test('a cache whose options lru-cache refuses is not registered', () => {
	const m = monitor();
	assert.throws(() => m.createCache('broken', {max: 0, ttlMs: 0}), TypeError);
	assert.equal(m.cacheRegistry.size, 0);
	assert.equal(m.snapshot().caches, null);
	m.createCache('broken');
	m.cacheRegistry.stop();
});

test('monitor.clearCache(name) clears that cache only, replies with its entries, and the snapshot shows it', () => {
	const m = monitor();
	const events: HostEvent[] = [];
	m.events.on(event => events.push(event));
	const users = m.createCache<string, string>('users');
	const posts = m.createCache<string, string>('posts');
	for (const key of ['a', 'b', 'c']) users.set(key, key);
	posts.set('p', 'P');
	assert.deepEqual(m.clearCache('users'), {cleared: [{name: 'users', entries: 3}]});
	const [usersListed, postsListed] = m.snapshot().caches ?? [];
	assert.equal(usersListed?.size, 0);
	assert.equal(usersListed?.deletes, 3);
	assert.equal(postsListed?.size, 1);
	assert.equal(users.get('a'), undefined);
	assert.equal(posts.get('p'), 'P');
	const clear = events.find(event => event.kind === 'cache.clear');
	assert.deepEqual(clear?.kind === 'cache.clear' ? clear.cleared : null, [{name: 'users', entries: 3}]);
	m.cacheRegistry.stop();
});

test('monitor.clearCache() clears every cache and replies with the entries of each', () => {
	const m = monitor();
	const users = m.createCache<string, string>('users');
	const posts = m.createCache<string, string>('posts');
	users.set('a', 'A');
	users.set('b', 'B');
	posts.set('p', 'P');
	assert.deepEqual(m.clearCache(), {cleared: [{name: 'users', entries: 2}, {name: 'posts', entries: 1}]});
	assert.deepEqual(m.snapshot().caches?.map(cache => cache.size), [0, 0]);
	m.cacheRegistry.stop();
});

test('clearing an unknown cache is a not-found protocol error and clears nothing', () => {
	const m = monitor();
	const users = m.createCache<string, string>('users');
	users.set('a', 'A');
	assert.throws(
		() => m.clearCache('nope'),
		error => error instanceof ProtocolError && error.code === ErrorCode.notFound && /nope/.test(error.message),
	);
	assert.equal(users.get('a'), 'A');
	m.cacheRegistry.stop();
});

test('a cache can be unregistered: it leaves the snapshot, keeps working, and its name is free again', () => {
	const m = monitor();
	const users = m.createCache<string, string>('users');
	users.set('a', 'A');
	assert.equal(users.registered, true);
	assert.equal(users.unregister(), true);
	assert.equal(users.unregister(), false);
	assert.equal(users.registered, false);
	assert.equal(m.snapshot().caches, null);
	assert.equal(users.get('a'), 'A');
	const again = m.createCache<string, string>('users');
	assert.notEqual(again, users);
	assert.equal(m.cacheRegistry.unregister('users'), true);
	assert.equal(m.cacheRegistry.unregister('users'), false);
	assert.throws(() => m.clearCache('users'), ProtocolError);
});

test('the recent hit ratio covers the lookups of the last window slots only', () => {
	const {registry} = manualRegistry({slots: 3, slotMs: 1000});
	const cache = registry.create<string, string>('window');
	cache.set('a', 'A');
	cache.get('a');
	cache.get('x');
	assert.equal(cache.getStats().recentHitRatio, 0.5, 'before a full window: since creation');
	assert.equal(cache.getStats().windowMs, 3000);
	registry.tick();
	cache.get('a');
	cache.get('a');
	assert.equal(cache.getStats().recentHitRatio, 0.75);
	registry.tick();
	registry.tick();
	assert.equal(cache.getStats().recentHitRatio, 1, 'the first slot (1 hit, 1 miss) left the window');
	cache.get('x');
	cache.get('y');
	assert.equal(cache.getStats().recentHitRatio, 0.5);
	registry.tick();
	assert.equal(cache.getStats().recentHitRatio, 0, 'only the two misses are left in the window');
	registry.tick();
	registry.tick();
	assert.equal(cache.getStats().recentHitRatio, null, 'no lookups in the window');
	assert.equal(cache.getStats().hitRatio, 3 / 6, 'since start is unaffected');
});

test('a failing dispose callback during upkeep or clear-all is a fault, and the other caches are still served', () => {
	const {registry, faults} = manualRegistry();
	const failing = registry.create<string, string>('failing', {
		ttlMs: 1,
		dispose: () => {
			throw new Error('host bug');
		},
	});
	const healthy = registry.create<string, string>('healthy');
	failing.set('a', 'A');
	healthy.set('b', 'B');
	return sleep(5).then(() => {
		registry.tick();
		assert.equal(faults.byKind()['cache-tick'], 1);
		failing.set('c', 'C');
		const result = registry.clear();
		assert.deepEqual(result, {cleared: [{name: 'healthy', entries: 1}]});
		assert.equal(faults.byKind()['cache-clear'], 1);
	});
});

test('registered caches tick on their own on an unref\'d timer', async t => {
	const faults = new Faults(() => {});
	const registry = new CacheRegistry(faults, new HostEvents(faults), {slots: 1, slotMs: 20});
	t.after(() => registry.stop());
	const cache = registry.create<string, string>('timed');
	cache.get('x');
	assert.equal(cache.getStats().recentHitRatio, 0);
	for (let waited = 0; cache.getStats().recentHitRatio !== null && waited < 5000; waited += 20) await sleep(20);
	assert.equal(cache.getStats().recentHitRatio, null, 'the miss left the one-slot window');
	cache.unregister();
});
