/**
 * The log-linear bucket scheme shared by the host (which records), the protocol (which carries histograms)
 * and the analyzer (which merges them). Pure functions over plain data; no state.
 *
 * Values are non-negative durations in nanoseconds. Values below 64 get one bucket each (whole nanoseconds are
 * exact; a fraction is dropped, so the error there is under 1 ns); above, every power of two is split into 32
 * equal buckets, so a bucket's width is at most 1/32 of its lower bound. A percentile is reported as the
 * middle of its bucket, clamped to the exact [min, max]: for values >= 64 ns its relative error is at most
 * 1/64 (1.5625 %), which test/protocol/histogram.test.ts checks against exact percentiles of random samples.
 * Values at or above 2^45 ns (about 9.8 hours) are clamped into the last bucket; min and max stay exact.
 * A histogram is a fixed-size dense array (BUCKET_COUNT entries); two are merged by adding them entry by
 * entry, and the sparse form below (HistogramData) merges exactly too.
 */

/** Sub-buckets per power of two, as a bit count (2^5 = 32). */
export const SUB_BUCKET_BITS = 5;
const SUB = 1 << SUB_BUCKET_BITS;
/** Largest exponent covered: values up to 2^MAX_EXPONENT - 1 ns. */
export const MAX_EXPONENT = 45;
/** Number of buckets in a histogram of this scheme. */
export const BUCKET_COUNT = (MAX_EXPONENT - SUB_BUCKET_BITS - 1) * SUB + 2 * SUB;
/** Upper bound of the relative error of a reported percentile. */
export const RELATIVE_ERROR = 1 / (2 * SUB);
/** Identifies this scheme in serialized histograms. */
export const HISTOGRAM_SCHEME = 'loglin-ns-32';

const TWO_32 = 4294967296;
const MAX_VALUE = 2 ** MAX_EXPONENT - 1;

/** Bucket index of a duration in ns. Caller guarantees `ns >= 0` and finite. */
export function bucketIndex(ns: number): number {
	if (ns < 2 * SUB) return ns | 0;
	if (ns < 2147483648) {
		const shift = 31 - Math.clz32(ns) - SUB_BUCKET_BITS;
		return (shift << SUB_BUCKET_BITS) + (ns >>> shift);
	}
	if (ns > MAX_VALUE) ns = MAX_VALUE;
	const high = Math.floor(ns / TWO_32);
	const exponent = high === 0 ? 31 : 63 - Math.clz32(high);
	const shift = exponent - SUB_BUCKET_BITS;
	return shift * SUB + Math.floor(ns / 2 ** shift);
}

/** Smallest value that falls in bucket `index`. */
export function bucketLow(index: number): number {
	if (index < 2 * SUB) return index;
	const shift = (index >> SUB_BUCKET_BITS) - 1;
	return ((index & (SUB - 1)) | SUB) * 2 ** shift;
}

/** Width of bucket `index` (1 for the exact buckets). */
export function bucketWidth(index: number): number {
	return index < 2 * SUB ? 1 : 2 ** ((index >> SUB_BUCKET_BITS) - 1);
}

/** The value reported for bucket `index`: the middle of the range it covers (its value, for exact buckets). */
export function bucketValue(index: number): number {
	return index < 2 * SUB ? index : bucketLow(index) + bucketWidth(index) / 2;
}

/** A histogram as plain data: sparse [bucket index, count] pairs in ascending index order. */
export interface HistogramData {
	scheme: typeof HISTOGRAM_SCHEME;
	buckets: Array<[number, number]>;
}

/**
 * Value at quantile q (0..1) of a bucket array whose entry i is bucket offset + i (default 0: dense), clamped
 * to [min, max] when those are known. Returns null for an empty histogram.
 */
export function quantileOf(counts: ArrayLike<number>, total: number, q: number, min = 0, max = Infinity, offset = 0): number | null {
	if (total <= 0) return null;
	const rank = Math.max(1, Math.ceil(q * total));
	let seen = 0;
	for (let index = 0; index < counts.length; index++) {
		const count = counts[index]!;
		if (count === 0) continue;
		seen += count;
		if (seen >= rank) return Math.min(max, Math.max(min, bucketValue(offset + index)));
	}
	return max === Infinity ? null : max;
}

/** Sparse form of a bucket array whose entry i is bucket offset + i (default 0: dense). */
export function toHistogramData(counts: ArrayLike<number>, offset = 0): HistogramData {
	const buckets: Array<[number, number]> = [];
	for (let index = 0; index < counts.length; index++) {
		const count = counts[index]!;
		if (count !== 0) buckets.push([offset + index, count]);
	}
	return {scheme: HISTOGRAM_SCHEME, buckets};
}

/** Adds a sparse histogram into a dense bucket array (exact merge). Ignores malformed pairs. */
export function addHistogramData(into: Float64Array, data: HistogramData): void {
	for (const pair of data.buckets) {
		const [index, count] = pair;
		if (Number.isInteger(index) && index >= 0 && index < into.length && Number.isFinite(count) && count > 0) into[index]! += count;
	}
}
