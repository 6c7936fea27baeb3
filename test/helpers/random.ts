/**
 * The seeded PRNG of property and model tests (splitmix32): the same seed gives the same sequence on every
 * run, so a failure can be replayed. Kept here, not taken from plugins-example/, so unit tests do not depend
 * on the example host.
 */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x9e3779b9) >>> 0;
		let z = state;
		z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
		z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
		return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
	};
}
