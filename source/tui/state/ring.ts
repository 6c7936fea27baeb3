/**
 * A fixed-capacity history ring for sparklines, as an immutable value: push returns a new ring and never
 * changes one that exists, so the reducer stays pure and React sees a new object when history changes.
 *
 * Cost: rings share an append-only buffer a little longer than their capacity. A push from the newest ring
 * writes one slot past every existing view (which none of them can see) and copies only when the buffer is
 * full, so a push is O(1) amortised instead of a copy of the whole history. A push allocates one small
 * object: the values view is made when read (only the sparklines on screen read theirs).
 *
 * Memory: the TUI keeps two rings per plugin and two per hook, so their size is what a history of a large
 * host costs. A ring holds at most `capacity` plus a quarter of slack values, as 32-bit floats (a sparkline
 * draws eight levels: their precision is far beyond what it shows); a new ring starts small and doubles as
 * values arrive, so a plugin seen for a few seconds costs a few slots, and an empty ring costs none.
 */

interface Buffer {
	data: Float32Array;
	/** Slots written so far. */
	used: number;
}

/** Recent values, oldest first, at most `capacity` of them. */
export interface Ring {
	readonly capacity: number;
	/** The values, oldest first (a view; do not change it). */
	readonly values: Float32Array;
}

/** The first buffer of a ring that grows: slots. */
const FIRST_SLOTS = 16;

const NO_VALUES = new Float32Array(0);

class RingImpl implements Ring {
	#values: Float32Array | null = null;

	constructor(
		readonly capacity: number,
		readonly buffer: Buffer,
		readonly end: number,
	) {}

	get values(): Float32Array {
		this.#values ??= this.buffer.data.subarray(Math.max(0, this.end - this.capacity), this.end);
		return this.#values;
	}
}

/** Slots of a full-size buffer: `capacity` plus slack, so a full ring copies once per slack pushes. */
function fullSlots(capacity: number): number {
	return capacity + Math.max(4, Math.ceil(capacity / 4));
}

/** An empty ring (it holds no buffer until its first push). */
export function emptyRing(capacity: number): Ring {
	return new RingImpl(Math.max(1, Math.floor(capacity)), {data: NO_VALUES, used: 0}, 0);
}

/** A ring with `value` appended, dropping the oldest value when full. */
export function pushRing(ring: Ring, value: number): Ring {
	const impl = ring as RingImpl;
	const {buffer, end, capacity} = impl;
	if (end === buffer.used && end < buffer.data.length) {
		buffer.data[end] = value;
		buffer.used = end + 1;
		return new RingImpl(capacity, buffer, end + 1);
	}
	// The buffer is full, or another ring already grew from this one: a new buffer with the newest values.
	const start = Math.max(0, end - capacity + 1);
	const count = end - start + 1;
	const full = fullSlots(capacity);
	const data = new Float32Array(count < capacity ? Math.min(full, Math.max(FIRST_SLOTS, 2 * count)) : full);
	data.set(buffer.data.subarray(start, end));
	data[count - 1] = value;
	return new RingImpl(capacity, {data, used: count}, count);
}

/** The last `n` values, oldest first. */
export function lastValues(ring: Ring, n: number): Float32Array {
	return n >= ring.values.length ? ring.values : ring.values.subarray(ring.values.length - n);
}
