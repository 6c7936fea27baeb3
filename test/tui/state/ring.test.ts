import assert from 'node:assert/strict';
import {test} from 'node:test';
import {emptyRing, lastValues, pushRing} from '../../../source/tui/state/ring.js';

test('a ring keeps the newest values up to its capacity, oldest first', () => {
	let ring = emptyRing(3);
	for (const value of [1, 2, 3, 4, 5, 6, 7, 8]) ring = pushRing(ring, value);
	assert.deepEqual([...ring.values], [6, 7, 8]);
	assert.deepEqual([...lastValues(ring, 2)], [7, 8]);
});

test('pushing never changes an existing ring, even when two rings grow from the same one', () => {
	const base = pushRing(pushRing(emptyRing(4), 1), 2);
	const a = pushRing(base, 3);
	const b = pushRing(base, 30);
	const c = pushRing(pushRing(pushRing(a, 4), 5), 6);
	assert.deepEqual([...base.values], [1, 2]);
	assert.deepEqual([...a.values], [1, 2, 3]);
	assert.deepEqual([...b.values], [1, 2, 30]);
	assert.deepEqual([...c.values], [3, 4, 5, 6]);
});
