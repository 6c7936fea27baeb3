/**
 * A fixed-capacity history ring for sparklines, as an immutable value: push returns a new ring and never
 * changes one that exists, so the reducer stays pure and React sees a new object when history changes.
 *
 * Cost: rings share an append-only buffer twice their capacity. A push from the newest ring writes one slot
 * past every existing view (which none of them can see) and copies only when the buffer is full, so a push
 * is O(1) amortised instead of a copy of the whole history. A push allocates one small object: the values
 * view is made when read (only the sparklines on screen read theirs).
 */

interface Buffer {
	data: Float64Array;
	/** Slots written so far. */
	used: number;
}

/** Recent values, oldest first, at most `capacity` of them. */
export interface Ring {
	readonly capacity: number;
	/** The values, oldest first (a view; do not change it). */
	readonly values: Float64Array;
}

class RingImpl implements Ring {
	#values: Float64Array | null = null;

	constructor(
		readonly capacity: number,
		readonly buffer: Buffer,
		readonly end: number,
	) {}

	get values(): Float64Array {
		this.#values ??= this.buffer.data.subarray(Math.max(0, this.end - this.capacity), this.end);
		return this.#values;
	}
}

/** An empty ring. */
export function emptyRing(capacity: number): Ring {
	const buffer: Buffer = {data: new Float64Array(Math.max(2, capacity * 2)), used: 0};
	return view(buffer, capacity, 0);
}

function view(buffer: Buffer, capacity: number, end: number): RingImpl {
	return new RingImpl(capacity, buffer, end);
}

/** A ring with `value` appended, dropping the oldest value when full. */
export function pushRing(ring: Ring, value: number): Ring {
	const impl = ring as RingImpl;
	const {buffer, end, capacity} = impl;
	if (end === buffer.used && end < buffer.data.length) {
		buffer.data[end] = value;
		buffer.used = end + 1;
		return view(buffer, capacity, end + 1);
	}
	// Full, or another ring already grew from this one: start a new buffer with the last values.
	const keep = impl.values.slice(Math.max(0, impl.values.length - capacity + 1));
	const next: Buffer = {data: new Float64Array(Math.max(2, capacity * 2)), used: keep.length + 1};
	next.data.set(keep);
	next.data[keep.length] = value;
	return view(next, capacity, keep.length + 1);
}

/** The last `n` values, oldest first. */
export function lastValues(ring: Ring, n: number): Float64Array {
	return n >= ring.values.length ? ring.values : ring.values.subarray(ring.values.length - n);
}
