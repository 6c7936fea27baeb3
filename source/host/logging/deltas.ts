/**
 * Turns the monitor's cumulative series (since start or reset) into per-interval summaries: the calls of
 * each interval, with the interval's own histogram. Deltas merge exactly by adding them, over any span of
 * intervals, and a lost line loses one interval of one series, nothing more. Series without calls in an
 * interval write nothing. Memory: one sparse histogram per series (the previous cumulative state), kept as one
 * flat typed array (index, count, index, count, ...) rather than an array per bucket: it lives for a whole
 * interval, long enough for the garbage collector to move it to the old generation.
 */
import {BUCKET_COUNT, bucketLow, bucketWidth, quantileOf} from '../../protocol/histogram.js';
import type {SeriesExport} from '../../protocol/snapshot.js';
import type {SummaryFields} from './records.js';

interface Baseline {
	count: number;
	errors: number;
	slow: number;
	totalMs: number;
	minMs: number;
	maxMs: number;
	/** Non-zero buckets as (index, count) pairs in ascending index order. */
	pairs: Float64Array;
}

/** Dense buckets for one quantile computation; zeroed again after each use. */
const scratch = new Float64Array(BUCKET_COUNT);

const ZERO: Baseline = {count: 0, errors: 0, slow: 0, totalMs: 0, minMs: Infinity, maxMs: 0, pairs: new Float64Array(0)};

function flatPairs(buckets: Array<[number, number]>): Float64Array {
	const pairs = new Float64Array(buckets.length * 2);
	for (let index = 0; index < buckets.length; index++) {
		pairs[2 * index] = buckets[index]![0];
		pairs[2 * index + 1] = buckets[index]![1];
	}
	return pairs;
}

/** Series identity: (plugin, op). */
function keyOf(series: {op: string; plugin: string | null}): string {
	return `${series.plugin ?? ''}\u0000${series.plugin === null ? 0 : 1}\u0000${series.op}`;
}

/** Turns each series' lifetime figures into the figures of one perf-log interval (the `summary` records): it keeps each series' baseline from the previous interval and writes the difference. */
export class IntervalDeltas {
	readonly #previous = new Map<string, Baseline>();
	#from: number;

	constructor(now: number) {
		this.#from = now;
	}

	/** After a metrics reset every series is zero: the next interval counts from zero. */
	reset(): void {
		this.#previous.clear();
	}

	/** Summaries of the calls since the previous take(), one per series that had calls. */
	take(exports: SeriesExport[], now: number): SummaryFields[] {
		const from = this.#from;
		this.#from = now;
		const out: SummaryFields[] = [];
		for (const series of exports) {
			const key = keyOf(series);
			let before = this.#previous.get(key) ?? ZERO;
			// A count that went down means the series was reset without us hearing of it.
			if (series.count < before.count) before = ZERO;
			const current: Baseline = {
				count: series.count,
				errors: series.errors,
				slow: series.slow,
				totalMs: series.totalMs,
				minMs: series.minMs ?? Infinity,
				maxMs: series.maxMs ?? 0,
				pairs: flatPairs(series.histogram.buckets),
			};
			this.#previous.set(key, current);
			const count = current.count - before.count;
			if (count <= 0) continue;
			const summary = intervalSummary(series, before, current, count, from);
			if (summary) out.push(summary);
		}
		return out;
	}

	get size(): number {
		return this.#previous.size;
	}
}

function intervalSummary(series: SeriesExport, before: Baseline, current: Baseline, count: number, from: number): SummaryFields | null {
	const h: number[] = [];
	let j = 0;
	let histogramCount = 0;
	const now = current.pairs;
	const then = before.pairs;
	for (let i = 0; i < now.length; i += 2) {
		const index = now[i]!;
		while (j < then.length && then[j]! < index) j += 2;
		const earlier = j < then.length && then[j] === index ? then[j + 1]! : 0;
		const delta = now[i + 1]! - earlier;
		if (delta > 0) {
			h.push(index, delta);
			histogramCount += delta;
		}
	}
	if (histogramCount === 0) return null;
	const lowIndex = h[0]!;
	const highIndex = h[h.length - 2]!;
	// The interval's extremes are exact when they are new extremes of the series; otherwise they are the
	// edges of the interval's lowest/highest bucket, kept inside the series' extremes.
	const minMs = current.minMs < before.minMs ? current.minMs : Math.max(current.minMs, bucketLow(lowIndex) / 1e6);
	const maxMs = current.maxMs > before.maxMs ? current.maxMs : Math.min(current.maxMs, (bucketLow(highIndex) + bucketWidth(highIndex) - 1) / 1e6);
	const minNs = minMs * 1e6;
	const maxNs = maxMs * 1e6;
	for (let index = 0; index < h.length; index += 2) scratch[h[index]!] = h[index + 1]!;
	const quantile = (q: number) => {
		const value = quantileOf(scratch, histogramCount, q, minNs, maxNs);
		return value === null ? null : value / 1e6;
	};
	const p50Ms = quantile(0.5);
	const p95Ms = quantile(0.95);
	const p99Ms = quantile(0.99);
	for (let index = 0; index < h.length; index += 2) scratch[h[index]!] = 0;
	return {
		op: series.op,
		plugin: series.plugin,
		kind: series.kind,
		from,
		count,
		errors: Math.max(0, current.errors - before.errors),
		slow: Math.max(0, current.slow - before.slow),
		totalMs: Math.max(0, current.totalMs - before.totalMs),
		minMs,
		maxMs,
		p50Ms,
		p95Ms,
		p99Ms,
		h,
	};
}
