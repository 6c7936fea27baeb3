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

test('a full ring holds at most its capacity plus a quarter of values, however many values went through it', () => {
	let ring = emptyRing(120);
	let largest = 0;
	for (let value = 0; value < 10_000; value++) {
		ring = pushRing(ring, value);
		largest = Math.max(largest, ring.values.buffer.byteLength);
	}
	assert.deepEqual([...lastValues(ring, 3)], [9997, 9998, 9999]);
	assert.equal(ring.values.length, 120);
	assert.ok(largest <= 150 * Float32Array.BYTES_PER_ELEMENT, `largest buffer ${largest} B`);
});

test('a ring costs nothing until its first value and grows with the values it holds', () => {
	const empty = emptyRing(120);
	assert.equal(empty.values.length, 0);
	assert.equal(empty.values.buffer.byteLength, 0);
	let ring = empty;
	for (const value of [1, 2, 3]) ring = pushRing(ring, value);
	assert.deepEqual([...ring.values], [1, 2, 3]);
	assert.ok(ring.values.buffer.byteLength <= 16 * Float32Array.BYTES_PER_ELEMENT, 'three values: a small buffer');
	for (let value = 4; value <= 40; value++) ring = pushRing(ring, value);
	assert.deepEqual([...ring.values], Array.from({length: 40}, (_, index) => index + 1), 'values survive each growth');
});

test('the rings of one empty ring grow apart (the empty history shares one ring between meters)', () => {
	const shared = emptyRing(4);
	const cpu = pushRing(pushRing(shared, 1), 2);
	const memory = pushRing(shared, 9);
	assert.deepEqual([...cpu.values], [1, 2]);
	assert.deepEqual([...memory.values], [9]);
	assert.equal(shared.values.length, 0);
});

test('gaps (NaN) are kept, and values to a 32-bit float precision', () => {
	let ring = emptyRing(4);
	for (const value of [Number.NaN, 0.1, 123_456_789, 2.5]) ring = pushRing(ring, value);
	const [gap, tenth, large, half] = ring.values;
	assert.ok(Number.isNaN(gap));
	assert.ok(Math.abs(tenth! - 0.1) < 1e-8);
	assert.ok(Math.abs(large! - 123_456_789) / 123_456_789 < 1e-7);
	assert.equal(half, 2.5);
});
