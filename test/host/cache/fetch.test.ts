import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PerformanceCache} from '../../../source/index.js';
import {FakeClock, settle} from './helpers.js';

type Value = {id: string; version: number};

/** A promise with its resolve/reject exposed. */
function deferred<T>(): {promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void} {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	return {promise, resolve, reject};
}

test('100 concurrent fetches of one key call the loader once and all get its value', async () => {
	let calls = 0;
	const gate = deferred<Value>();
	const c = new PerformanceCache<string, Value>('users', {
		load: () => {
			calls++;
			return gate.promise;
		},
	});
	const pending = Array.from({length: 100}, () => c.fetch('u1'));
	const value = {id: 'u1', version: 1};
	gate.resolve(value);
	const results = await Promise.all(pending);
	assert.equal(calls, 1);
	assert.ok(results.every(result => result === value));
	const stats = c.getStats();
	assert.equal(stats.fetches, 1);
	assert.equal(stats.inflightDedups, 99);
	assert.equal(stats.misses, 100);
	assert.equal(stats.hits, 0);
	assert.equal(stats.adds, 1, 'the loaded value is stored once');
	assert.equal(await c.fetch('u1'), value);
	assert.equal(c.getStats().hits, 1);
	assert.equal(calls, 1);
});

test('a loader error reaches every waiting caller unchanged, is counted, and is never cached', async () => {
	let calls = 0;
	const failure = new Error('database down');
	const c = new PerformanceCache<string, Value>('users', {
		load: async key => {
			calls++;
			if (calls === 1) throw failure;
			return {id: key, version: calls};
		},
	});
	const results = await Promise.allSettled([c.fetch('u1'), c.fetch('u1'), c.fetch('u1')]);
	for (const result of results) {
		assert.equal(result.status, 'rejected');
		assert.equal((result as PromiseRejectedResult).reason, failure);
	}
	assert.equal(c.has('u1'), false);
	assert.equal(c.size, 0);
	assert.deepEqual(await c.fetch('u1'), {id: 'u1', version: 2});
	const stats = c.getStats();
	assert.equal(stats.fetches, 2);
	assert.equal(stats.fetchErrors, 1);
	assert.equal(stats.inflightDedups, 2);
});

test('a loader that throws synchronously rejects the fetch with its error', async () => {
	const failure = new TypeError('bad key');
	const c = new PerformanceCache<string, Value>('users', {
		load: () => {
			throw failure;
		},
	});
	await assert.rejects(c.fetch('u1'), error => error === failure);
	assert.equal(c.getStats().fetchErrors, 1);
	assert.equal(c.size, 0);
});

test('the mean load time is measured on the cache clock', async () => {
	const clock = new FakeClock();
	const durations = [30, 10];
	const c = new PerformanceCache<string, Value>('timed', {
		clock,
		load: async key => {
			clock.advance(durations.shift()!);
			return {id: key, version: 1};
		},
	});
	await c.fetch('a');
	await c.fetch('b');
	assert.equal(c.getStats().meanFetchMs, 20);
});

test('a fetch may bring its own loader; without any loader it rejects', async () => {
	const c = new PerformanceCache<string, Value>('plain');
	await assert.rejects(c.fetch('a'), TypeError);
	assert.deepEqual(await c.fetch('a', {load: key => ({id: key, version: 7})}), {id: 'a', version: 7});
	assert.deepEqual(c.get('a'), {id: 'a', version: 7});
});

test('a fresh value is served without a load; forceRefresh loads anyway and is not a lookup', async () => {
	let version = 0;
	const c = new PerformanceCache<string, Value>('refresh', {load: key => ({id: key, version: ++version})});
	await c.fetch('a');
	assert.equal((await c.fetch('a')).version, 1);
	assert.equal((await c.fetch('a', {forceRefresh: true})).version, 2);
	const stats = c.getStats();
	assert.equal(stats.fetches, 2);
	assert.equal(stats.hits, 1);
	assert.equal(stats.misses, 1);
	assert.equal(c.get('a')?.version, 2);
});

test('without stale-while-revalidate a stale entry waits for the reload (a miss)', async () => {
	const clock = new FakeClock();
	let version = 0;
	const c = new PerformanceCache<string, Value>('strict', {clock, ttlMs: 100, load: key => ({id: key, version: ++version})});
	await c.fetch('a');
	clock.advance(101);
	assert.equal((await c.fetch('a')).version, 2);
	const stats = c.getStats();
	assert.equal(stats.misses, 2);
	assert.equal(stats.staleHits, 0);
	assert.equal(stats.fetches, 2);
});

test('stale-while-revalidate: fetch returns the stale value at once and reloads it in the background', async () => {
	const clock = new FakeClock();
	const gate = deferred<Value>();
	let calls = 0;
	const c = new PerformanceCache<string, Value>('swr', {
		clock,
		ttlMs: 100,
		staleWhileRevalidate: true,
		load: key => (++calls === 1 ? {id: key, version: 1} : gate.promise),
	});
	await c.fetch('a');
	clock.advance(101);
	assert.equal((await c.fetch('a')).version, 1, 'stale value served');
	assert.equal((await c.fetch('a')).version, 1, 'still stale while the reload is in flight');
	assert.equal(calls, 2, 'one background reload');
	gate.resolve({id: 'a', version: 2});
	await settle();
	assert.equal((await c.fetch('a')).version, 2);
	const stats = c.getStats();
	assert.equal(stats.staleHits, 2);
	assert.equal(stats.inflightDedups, 1);
	assert.equal(stats.hits, 3);
	assert.equal(stats.misses, 1);
});

test('a load whose key is invalidated meanwhile answers its caller but is not stored', async () => {
	const gate = deferred<Value>();
	const c = new PerformanceCache<string, Value>('racy', {load: () => gate.promise});
	const pending = c.fetch('a');
	assert.equal(c.invalidate('a'), true);
	gate.resolve({id: 'a', version: 1});
	assert.deepEqual(await pending, {id: 'a', version: 1});
	await settle();
	assert.equal(c.has('a'), false);
	assert.equal(c.getStats().loading, 0);
});

test('a loader error drops the stale value it was replacing (nothing stale is served as if fresh)', async () => {
	const clock = new FakeClock();
	const failure = new Error('gone');
	let calls = 0;
	const c = new PerformanceCache<string, Value>('drop', {
		clock,
		ttlMs: 100,
		load: async key => {
			if (++calls > 1) throw failure;
			return {id: key, version: 1};
		},
	});
	await c.fetch('a');
	clock.advance(101);
	await assert.rejects(c.fetch('a'), error => error === failure);
	assert.equal(c.peek('a'), undefined);
	assert.equal(c.getStats().fetchErrors, 1);
});

test('loads in flight are listed while they run', async () => {
	const gate = deferred<Value>();
	const c = new PerformanceCache<string, Value>('busy', {load: () => gate.promise});
	const pending = [c.fetch('a'), c.fetch('b')];
	assert.equal(c.getStats().loading, 2);
	gate.resolve({id: 'x', version: 1});
	await Promise.all(pending);
	assert.equal(c.getStats().loading, 0);
});
