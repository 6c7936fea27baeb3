import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PerformanceCache} from '../../../source/index.js';
import {FakeClock, settle} from './helpers.js';

type Value = {id: string; owner: string};

function filled(keys: string[], options: ConstructorParameters<typeof PerformanceCache<string, Value>>[1] = {}): PerformanceCache<string, Value> {
	const cache = new PerformanceCache<string, Value>('test', options);
	for (const key of keys) cache.set(key, {id: key, owner: key.startsWith('user:') ? 'ann' : 'bob'});
	return cache;
}

test('invalidateWhere removes the entries whose value and key match, and counts them as deletes', () => {
	const c = filled(['user:1', 'user:2', 'post:1', 'post:2', 'post:3']);
	assert.equal(
		c.invalidateWhere(value => value.owner === 'bob'),
		3,
	);
	assert.deepEqual(c.keys().sort(), ['user:1', 'user:2']);
	assert.equal(c.invalidateWhere((_value, key) => key === 'user:2'), 1);
	assert.equal(c.getStats().deletes, 4);
});

test('invalidatePrefix removes exactly the string keys that start with the prefix', () => {
	const c = filled(['user:1', 'user:2', 'user-archive', 'post:1']);
	assert.equal(c.invalidatePrefix('user:'), 2);
	assert.deepEqual(c.keys().sort(), ['post:1', 'user-archive']);
	assert.equal(c.invalidatePrefix('nothing'), 0);
	const numbers = new PerformanceCache<number, string>('numbers');
	numbers.set(12, 'twelve');
	assert.equal(numbers.invalidatePrefix('1'), 0, 'non-string keys never match a prefix');
});

test('invalidatePrefix also stops a matching load in flight from being stored', async () => {
	let release!: (value: Value) => void;
	const c = new PerformanceCache<string, Value>('loading', {load: () => new Promise<Value>(resolve => (release = resolve))});
	const pending = c.fetch('user:9');
	assert.equal(c.invalidatePrefix('user:'), 1);
	release({id: 'user:9', owner: 'ann'});
	await pending;
	await settle();
	assert.equal(c.has('user:9'), false);
});

test('invalidateTag removes the entries stored with that tag and nothing else', () => {
	const c = new PerformanceCache<string, Value>('tagged');
	c.set('user:1', {id: '1', owner: 'ann'}, {tags: ['user', 'team:red']});
	c.set('user:2', {id: '2', owner: 'bob'}, {tags: ['user', 'team:blue']});
	c.set('post:1', {id: 'p', owner: 'ann'}, {tags: ['team:red']});
	c.set('plain', {id: 'x', owner: 'x'});
	assert.equal(c.getStats().tags, 3);
	assert.equal(c.invalidateTag('team:red'), 2);
	assert.deepEqual(c.keys().sort(), ['plain', 'user:2']);
	assert.equal(c.invalidateTag('team:red'), 0);
	assert.equal(c.invalidateTag('user'), 1);
	assert.deepEqual(c.keys(), ['plain']);
	assert.equal(c.getStats().tags, 0, 'tags without keys are dropped');
	assert.equal(c.getStats().deletes, 3);
});

test('a value stored again without tags loses the tags of the value it replaced', () => {
	const c = new PerformanceCache<string, Value>('retag');
	c.set('a', {id: '1', owner: 'ann'}, {tags: ['t']});
	c.set('a', {id: '2', owner: 'ann'});
	assert.equal(c.invalidateTag('t'), 0);
	assert.ok(c.get('a'));
	c.set('a', {id: '3', owner: 'ann'}, {tags: ['u']});
	assert.equal(c.invalidateTag('u'), 1);
});

test('a fetched value carries the tags of its fetch', async () => {
	const c = new PerformanceCache<string, Value>('fetched', {load: key => ({id: key, owner: 'ann'})});
	await c.fetch('a', {tags: ['owner:ann']});
	await c.fetch('b');
	assert.equal(c.invalidateTag('owner:ann'), 1);
	assert.deepEqual(c.keys(), ['b']);
});

test('the tag index is cleaned when tagged entries are evicted, expire or are cleared', () => {
	const clock = new FakeClock();
	const c = new PerformanceCache<string, Value>('bounded', {max: 100, ttlMs: 1000, clock});
	for (let index = 0; index < 10_000; index++) c.set(`k${index}`, {id: String(index), owner: 'x'}, {tags: [`tag${index}`, 'all']});
	assert.equal(c.getStats().evictions, 9900);
	assert.equal(c.getStats().tags, 101, 'one tag per remaining entry, plus the shared one');
	assert.equal(c.invalidateTag('tag5'), 0, 'evicted keys are no longer indexed');
	clock.advance(1001);
	assert.equal(c.purgeStale(), 100);
	assert.equal(c.getStats().tags, 0);
	c.set('again', {id: 'a', owner: 'x'}, {tags: ['all']});
	c.clear();
	assert.equal(c.getStats().tags, 0);
	assert.equal(c.invalidateTag('all'), 0);
});

test('a tagged entry refused for its size is not indexed', () => {
	const c = new PerformanceCache<string, string>('sized', {maxSize: 4, sizeOf: value => value.length});
	c.set('a', 'toolong', {tags: ['t']});
	assert.equal(c.getStats().tags, 0);
	assert.equal(c.getStats().rejectedSets, 1);
});
