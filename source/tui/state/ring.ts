/**
 * A fixed-capacity history ring for sparklines, as an immutable value: push returns a new ring, so the reducer
 * stays pure and React sees a new object when history changes.
 */

/** Recent values, oldest first, at most `capacity` of them. */
export interface Ring {
	readonly capacity: number;
	readonly values: readonly number[];
}

/** An empty ring. */
export function emptyRing(capacity: number): Ring {
	return {capacity, values: []};
}

/** A ring with `value` appended, dropping the oldest value when full. */
export function pushRing(ring: Ring, value: number): Ring {
	const keep = ring.values.length >= ring.capacity ? ring.values.slice(ring.values.length - ring.capacity + 1) : ring.values.slice();
	keep.push(value);
	return {capacity: ring.capacity, values: keep};
}

/** The last `n` values, oldest first. */
export function lastValues(ring: Ring, n: number): readonly number[] {
	return n >= ring.values.length ? ring.values : ring.values.slice(ring.values.length - n);
}
