/**
 * One series: count, errors, sum, min, max and a log-linear histogram of durations (ns) since start or reset,
 * plus the recent window. Bounded memory: BUCKET_COUNT x 8 bytes for the histogram, allocated at once, and
 * at most BUCKET_COUNT x 4 x slots bytes of window marks, grown at rotations only as far as the durations
 * seen reach; recording allocates nothing and touches one histogram only.
 *
 * The recent window is a ring of `slots` marks: at the start of each slot the lifetime histogram is copied
 * (modulo 2^32) into that slot's mark. The window's histogram is the lifetime histogram minus the mark of the
 * oldest slot still in the ring, so recording never pays for the window, and reading it costs one pass over
 * the buckets between the lifetime min and max (every non-zero bucket lies there). Marks are kept for that
 * bucket range only (outside it a mark is zero: the range only widens until a reset, which drops the marks).
 * A window bucket holds fewer than 2^32 calls, as the per-slot counters of a ring would.
 *
 * Summaries are cached: the lifetime statistics until the next call or reset, the window's until the next
 * call, rotation or reset; an idle series costs nothing to summarize again.
 */
import {BUCKET_COUNT, bucketIndex, bucketValue, quantileOf, toHistogramData} from '../../protocol/histogram.js';
import type {LatencyStats, SeriesExport, SeriesSummary, WindowStats} from '../../protocol/snapshot.js';

/** `hook` for plugin-manager hooks, `operation` for time()/wrap()/instrument(). */
export type SeriesKind = 'hook' | 'operation';

/** Told about one call (with its duration in ns): a slow one, or one whose duration was invalid. Only those calls pay for it. */
export type SlowListener = (series: Series, ns: number) => void;

const NS_PER_MS = 1e6;
const TWO_32 = 4294967296;
/** Stands in for marks not allocated yet (the scan then reads none of it). */
const NO_MARKS = new Uint32Array(0);

/** The window's calls and errors, and its latency statistics (ms), as cached between changes. */
interface WindowPart {
	count: number;
	errors: number;
	stats: LatencyStats;
}

/** One (operation, plugin) series (see the file comment). */
export class Series {
	readonly op: string;
	readonly plugin: string | null;
	readonly kind: SeriesKind;

	count = 0;
	errors = 0;
	sumNs = 0;
	minNs = Infinity;
	maxNs = 0;
	slow = 0;
	/** Durations rejected as invalid (NaN, negative, infinite). */
	invalid = 0;
	/** Calls slower than this (ns) are counted as slow and reported to the slow listener. */
	slowNs = Infinity;
	onSlow: SlowListener | null = null;
	/** Told about each invalid duration (the registry reports it as a fault). */
	onInvalid: SlowListener | null = null;

	readonly buckets = new Float64Array(BUCKET_COUNT);
	/**
	 * Lifetime bucket counts (mod 2^32) at the start of each slot, for buckets markLow .. markLow + markWidth - 1:
	 * bucket b of slot s at s x markWidth + b - markLow. Null until a rotation finds a non-empty histogram.
	 */
	#marks: Uint32Array | null = null;
	#markLow = 0;
	#markWidth = 0;
	/** Lifetime errors at the start of each slot. */
	readonly #markErrors: Float64Array;
	readonly #slotCount: number;
	#slot = 0;
	#rotations = 0;
	#resets = 0;
	#life: LatencyStats | null = null;
	#lifeCount = -1;
	#lifeResets = -1;
	#window: WindowPart | null = null;
	#windowCount = -1;
	#windowRotations = -1;

	constructor(op: string, plugin: string | null, kind: SeriesKind, slots: number) {
		this.op = op;
		this.plugin = plugin;
		this.kind = kind;
		this.#slotCount = Math.max(1, slots);
		this.#markErrors = new Float64Array(this.#slotCount);
	}

	/**
	 * Records one successful call of `ns` nanoseconds. Never throws. A duration that is not a finite number
	 * >= 0 (a clock that went backwards, a bad external measurement) still counts as a call but stays out of
	 * the sum, min, max and histograms; it is counted in `invalid` and reported to `onInvalid`.
	 */
	record(ns: number): void {
		this.count++;
		if (ns >= 0 && ns < Infinity) {
			this.sumNs += ns;
			if (ns < this.minNs) this.minNs = ns;
			if (ns > this.maxNs) this.maxNs = ns;
			this.buckets[bucketIndex(ns)]!++;
			if (ns > this.slowNs) this.#reportSlow(ns);
		} else this.#reportInvalid(ns);
	}

	/** Records one failed call (it threw or rejected) of `ns` nanoseconds. Never throws. */
	recordError(ns: number): void {
		this.errors++;
		this.record(ns);
	}

	/** Calls with a valid duration (the population of the histogram). */
	get timedCount(): number {
		return this.count - this.invalid;
	}

	/** Lowest bucket index that may be non-zero (0 when the histogram is empty). */
	get low(): number {
		return this.count > this.invalid ? bucketIndex(this.minNs) : 0;
	}

	/** Highest bucket index that may be non-zero (-1 when the histogram is empty, so low..high is empty). */
	get high(): number {
		return this.count > this.invalid ? bucketIndex(this.maxNs) : -1;
	}

	/** Rotations of the window since creation (each reset counts as one too): a key for cached window data. */
	get rotations(): number {
		return this.#rotations;
	}


	#reportInvalid(ns: number): void {
		this.invalid++;
		const listener = this.onInvalid;
		if (listener === null) return;
		try {
			listener(this, ns);
		} catch {
			// The listener reports its own faults; nothing reaches the host.
		}
	}

	#reportSlow(ns: number): void {
		this.slow++;
		const listener = this.onSlow;
		if (listener === null) return;
		try {
			listener(this, ns);
		} catch {
			// The listener reports its own faults; nothing reaches the host.
		}
	}

	/** Starts a new slot of the recent window, dropping the oldest. */
	rotate(): void {
		this.#slot = (this.#slot + 1) % this.#slotCount;
		this.#rotations++;
		this.#markErrors[this.#slot] = this.errors;
		const low = this.low;
		const high = this.high;
		if (high < low) return;
		if (low < this.#markLow || high >= this.#markLow + this.#markWidth) this.#widenMarks(low, high);
		const marks = this.#marks!;
		const buckets = this.buckets;
		const base = this.#slot * this.#markWidth - this.#markLow;
		// Lifetime buckets outside low..high are zero, and so is that part of any mark (see the file comment):
		// copying the range is a full copy. Uint32 stores wrap mod 2^32.
		for (let index = low; index <= high; index++) marks[base + index] = buckets[index]!;
	}

	/** Makes the marks cover low..high too (whole powers of two, so this happens a few times at most). */
	#widenMarks(low: number, high: number): void {
		const old = this.#marks;
		const oldLow = this.#markLow;
		const oldWidth = this.#markWidth;
		let newLow = low & ~31;
		let newEnd = Math.min(BUCKET_COUNT, (high | 31) + 1);
		if (old !== null) {
			newLow = Math.min(newLow, oldLow);
			newEnd = Math.max(newEnd, oldLow + oldWidth);
		}
		const width = newEnd - newLow;
		const marks = new Uint32Array(this.#slotCount * width);
		if (old !== null) for (let slot = 0; slot < this.#slotCount; slot++) marks.set(old.subarray(slot * oldWidth, (slot + 1) * oldWidth), slot * width + oldLow - newLow);
		this.#marks = marks;
		this.#markLow = newLow;
		this.#markWidth = width;
	}

	/** Zeroes everything in place (wrappers keep their reference to this series). */
	reset(): void {
		this.count = 0;
		this.errors = 0;
		this.sumNs = 0;
		this.minNs = Infinity;
		this.maxNs = 0;
		this.slow = 0;
		this.invalid = 0;
		this.buckets.fill(0);
		this.#marks = null;
		this.#markLow = 0;
		this.#markWidth = 0;
		this.#markErrors.fill(0);
		this.#resets++;
		this.#rotations++;
	}

	/**
	 * Writes the recent window's bucket counts into `into` at every index of low..high (other entries are left
	 * alone: they are zero in the window); returns [count, errors].
	 */
	windowInto(into: Float64Array): [number, number] {
		const [count, errors] = this.#windowScan(into, false);
		return [count, errors];
	}

	/** Adds the recent window's bucket counts into `into`; returns [count, errors]. */
	addWindow(into: Float64Array): [number, number] {
		return this.#windowScan(into, true);
	}

	#windowScan(into: Float64Array, add: boolean): [number, number] {
		const buckets = this.buckets;
		const marks = this.#marks ?? NO_MARKS;
		const markLow = this.#markLow;
		const markEnd = markLow + this.#markWidth;
		const oldest = (this.#slot + 1) % this.#slotCount;
		const base = oldest * this.#markWidth - markLow;
		const high = this.high;
		let count = 0;
		for (let index = this.low; index <= high; index++) {
			const total = buckets[index]!;
			const mark = index >= markLow && index < markEnd ? marks[base + index]! : 0;
			let value = total - mark;
			if (total >= TWO_32) {
				value = (total % TWO_32) - mark;
				if (value < 0) value += TWO_32;
			}
			count += value;
			if (add) into[index]! += value;
			else into[index] = value;
		}
		return [count, this.errors - this.#markErrors[oldest]!];
	}

	get slotCount(): number {
		return this.#slotCount;
	}

	/** Bytes held by this series' arrays. */
	get bytes(): number {
		return this.buckets.byteLength + (this.#marks?.byteLength ?? 0) + this.#markErrors.byteLength + 200;
	}

	/** Lifetime statistics as plain data (a fresh object; the numbers are cached until the next call or reset). */
	stats(): LatencyStats {
		return copyStats(this.#lifeStats());
	}

	#lifeStats(): LatencyStats {
		if (this.#life === null || this.#lifeCount !== this.count || this.#lifeResets !== this.#resets) {
			this.#life = latencyStats(this.buckets, this.count, this.errors, this.sumNs, this.minNs, this.maxNs, this.timedCount, this.low, this.high);
			this.#lifeCount = this.count;
			this.#lifeResets = this.#resets;
		}
		return this.#life;
	}

	#windowPart(scratch: Float64Array): WindowPart {
		// A reset counts as a rotation too, so (count, rotations) changes with every change of the window.
		if (this.#window === null || this.#windowCount !== this.count || this.#windowRotations !== this.#rotations) {
			const [count, errors] = this.windowInto(scratch);
			this.#window = {count, errors, stats: estimatedStats(scratch, count, errors, this.low, this.high)};
			this.#windowCount = this.count;
			this.#windowRotations = this.#rotations;
		}
		return this.#window;
	}

	/**
	 * Summary as plain data (fresh objects every time); `windowMs` is the time the recent window actually
	 * covers. `scratch` is a BUCKET_COUNT array the window may be computed in (its content is overwritten).
	 */
	summary(windowMs: number, scratch?: Float64Array): SeriesSummary {
		const window = this.#windowPart(scratch ?? sharedScratch);
		const life = this.#lifeStats();
		return {
			op: this.op,
			plugin: this.plugin,
			kind: this.kind,
			count: life.count,
			errors: life.errors,
			totalMs: life.totalMs,
			minMs: life.minMs,
			maxMs: life.maxMs,
			meanMs: life.meanMs,
			p50Ms: life.p50Ms,
			p95Ms: life.p95Ms,
			p99Ms: life.p99Ms,
			recent: withRates(window.stats, window.count, window.errors, windowMs),
			slow: this.slow,
		};
	}

	/** Summary plus the full histogram. */
	export(windowMs: number): SeriesExport {
		return {...this.summary(windowMs), histogram: toHistogramData(this.buckets), sumNs: this.sumNs};
	}
}

/** Where a window is computed when the caller gives no array (summaries are built synchronously, one at a time). */
const sharedScratch = new Float64Array(BUCKET_COUNT);

/** bucketValue() of every bucket, looked up by the scans below. */
const VALUES = Float64Array.from({length: BUCKET_COUNT}, (_, index) => bucketValue(index));

/** p50, p95 and p99 of the last quantiles() call. */
const found = new Float64Array(3);

/**
 * One pass over counts[low..high] for the values at the 0.5, 0.95 and 0.99 quantiles, each exactly as
 * quantileOf() gives it (the middle of its bucket clamped to [min, max]); results land in `found`.
 * Returns false when the ranks are not all reached (then quantileOf over the whole array decides).
 */
function quantiles(counts: ArrayLike<number>, total: number, min: number, max: number, low: number, high: number): boolean {
	const r50 = Math.max(1, Math.ceil(0.5 * total));
	const r95 = Math.max(1, Math.ceil(0.95 * total));
	const r99 = Math.max(1, Math.ceil(0.99 * total));
	let seen = 0;
	let next = 0;
	for (let index = low; index <= high; index++) {
		const count = counts[index]!;
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
 * Latency statistics from dense buckets and exact scalars (ns in, ms out). `timed` is the number of calls in
 * the buckets and the sum (calls with an invalid duration are in `count` only; default: all of them).
 * Only buckets[low..high] are read (default: all); every non-zero bucket must lie there.
 */
export function latencyStats(buckets: ArrayLike<number>, count: number, errors: number, sumNs: number, minNs: number, maxNs: number, timed = count, low = 0, high = buckets.length - 1): LatencyStats {
	const has = timed > 0;
	let p50: number | null = null;
	let p95: number | null = null;
	let p99: number | null = null;
	if (has) {
		if (quantiles(buckets, timed, minNs, maxNs, low, high)) {
			p50 = found[0]! / NS_PER_MS;
			p95 = found[1]! / NS_PER_MS;
			p99 = found[2]! / NS_PER_MS;
		} else {
			const q = (p: number) => {
				const value = quantileOf(buckets, timed, p, minNs, maxNs);
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
function estimatedStats(buckets: ArrayLike<number>, count: number, errors: number, low: number, high: number): LatencyStats {
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
