/**
 * Latency statistics from dense bucket arrays: exact scalars where known (count, sum, min, max), percentiles
 * from the buckets in one pass. Pure functions; shared by series, plugin aggregates and windows.
 */
import {BUCKET_COUNT, bucketValue, quantileOf} from '../../protocol/histogram.js';
import type {LatencyStats, WindowStats} from '../../protocol/snapshot.js';

const NS_PER_MS = 1e6;

/** bucketValue() of every bucket, looked up by the scans below. */
const VALUES = Float64Array.from({length: BUCKET_COUNT}, (_, index) => bucketValue(index));

/** p50, p95 and p99 of the last quantiles() call. */
const found = new Float64Array(3);

/**
 * One pass over buckets low..high (bucket i at counts[i - offset]) for the values at the 0.5, 0.95 and 0.99
 * quantiles, each exactly as quantileOf() gives it (the middle of its bucket clamped to [min, max]); results
 * land in `found`. Returns false when the ranks are not all reached (then quantileOf over the whole array decides).
 */
function quantiles(counts: ArrayLike<number>, total: number, min: number, max: number, low: number, high: number, offset: number): boolean {
	const r50 = Math.max(1, Math.ceil(0.5 * total));
	const r95 = Math.max(1, Math.ceil(0.95 * total));
	const r99 = Math.max(1, Math.ceil(0.99 * total));
	let seen = 0;
	let next = 0;
	for (let index = low; index <= high; index++) {
		const count = counts[index - offset]!;
		if (count === 0) continue;
		seen += count;
		if (seen < r50 && next === 0) continue;
		const value = Math.min(max, Math.max(min, VALUES[index]!));
		if (next === 0 && seen >= r50) found[next++] = value;
		if (next === 1 && seen >= r95) found[next++] = value;
		if (next === 2 && seen >= r99) {
			found[2] = value;
			return true;
		}
	}
	return false;
}

/**
 * Latency statistics from bucket counts and exact scalars (ns in, ms out). `timed` is the number of calls in
 * the buckets and the sum (calls with an invalid duration are in `count` only; default: all of them).
 * Bucket i is buckets[i - offset] (default 0: a dense array). Only buckets low..high are read (default: all);
 * every non-zero bucket must lie there.
 */
export function latencyStats(buckets: ArrayLike<number>, count: number, errors: number, sumNs: number, minNs: number, maxNs: number, timed = count, low = 0, high = buckets.length - 1, offset = 0): LatencyStats {
	const has = timed > 0;
	let p50: number | null = null;
	let p95: number | null = null;
	let p99: number | null = null;
	if (has) {
		if (quantiles(buckets, timed, minNs, maxNs, low, high, offset)) {
			p50 = found[0]! / NS_PER_MS;
			p95 = found[1]! / NS_PER_MS;
			p99 = found[2]! / NS_PER_MS;
		} else {
			const q = (p: number) => {
				const value = quantileOf(buckets, timed, p, minNs, maxNs, offset);
				return value === null ? null : value / NS_PER_MS;
			};
			p50 = q(0.5);
			p95 = q(0.95);
			p99 = q(0.99);
		}
	}
	return {
		count,
		errors,
		totalMs: sumNs / NS_PER_MS,
		minMs: has ? minNs / NS_PER_MS : null,
		maxMs: has ? maxNs / NS_PER_MS : null,
		meanMs: has ? sumNs / timed / NS_PER_MS : null,
		p50Ms: p50,
		p95Ms: p95,
		p99Ms: p99,
	};
}

/** Latency statistics of dense buckets alone (sum, min and max estimated from bucket values), over buckets[low..high]. */
export function estimatedStats(buckets: ArrayLike<number>, count: number, errors: number, low: number, high: number): LatencyStats {
	let sum = 0;
	let min = Infinity;
	let max = 0;
	let first = high + 1;
	let last = low - 1;
	for (let index = low; index <= high; index++) {
		const value = buckets[index]!;
		if (value === 0) continue;
		const v = VALUES[index]!;
		sum += v * value;
		if (first > high) {
			first = index;
			min = v;
		}
		last = index;
		max = v;
	}
	return latencyStats(buckets, count, errors, sum, min, max, count, first, last);
}

/** A copy of `stats` (field by field: cheaper than a spread on this path). */
export function copyStats(stats: LatencyStats): LatencyStats {
	return {count: stats.count, errors: stats.errors, totalMs: stats.totalMs, minMs: stats.minMs, maxMs: stats.maxMs, meanMs: stats.meanMs, p50Ms: stats.p50Ms, p95Ms: stats.p95Ms, p99Ms: stats.p99Ms};
}

/** A copy of `stats` with the window's length and its call and error rates. */
export function withRates(stats: LatencyStats, count: number, errors: number, windowMs: number): WindowStats {
	const seconds = Math.max(windowMs, 1) / 1000;
	return {count: stats.count, errors: stats.errors, totalMs: stats.totalMs, minMs: stats.minMs, maxMs: stats.maxMs, meanMs: stats.meanMs, p50Ms: stats.p50Ms, p95Ms: stats.p95Ms, p99Ms: stats.p99Ms, windowMs, rate: count / seconds, errorRate: errors / seconds};
}

/**
 * Window statistics from dense buckets only (sum, min and max estimated from bucket values). Only
 * buckets[low..high] are read (default: all); every non-zero bucket must lie there.
 */
export function windowStats(buckets: ArrayLike<number>, count: number, errors: number, windowMs: number, low = 0, high = buckets.length - 1): WindowStats {
	return withRates(estimatedStats(buckets, count, errors, low, high), count, errors, windowMs);
}
