/**
 * One series: count, errors, sum, min, max and a log-linear histogram of durations (ns) since start or reset,
 * plus the recent window. Bounded memory: the histogram's counts cover only the range of buckets the durations
 * have reached, grown a power of two (32 buckets) at a time, so at most BUCKET_COUNT x 8 bytes, and the window
 * marks at most BUCKET_COUNT x 4 x slots bytes, grown the same way at rotations. Recording allocates only when a
 * duration lands outside the range seen so far (a few times in a series' life) and touches one histogram only.
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
import {BUCKET_COUNT, bucketIndex, toHistogramData} from '../../protocol/histogram.js';
import type {LatencyStats, SeriesExport, SeriesSummary} from '../../protocol/snapshot.js';
import {copyStats, estimatedStats, latencyStats, withRates} from './stats.js';

export {copyStats, latencyStats, windowStats, withRates} from './stats.js';

/** `hook` for plugin-manager hooks, `operation` for time()/wrap()/instrument(). */
export type SeriesKind = 'hook' | 'operation';

/**
 * Busy-time accounting of one plugin, shared by all of its hook series: the wall time during which at least
 * one of its calls is in flight (the union of their intervals), so overlapping calls never add up past wall
 * time. The timing functions (see timing.ts: enter, recordSince) keep it with a few integer operations per
 * call: an interval counts once it closes (the last call in flight ends), so a call still in flight shows in
 * busy time when it ends, as its duration shows in the series.
 */
export class Busy {
	/** Calls in flight. */
	inFlight = 0;
	/** Clock reading (ns) when the current interval opened, written once its opening call ends before others. */
	since = 0n;
	/** Clock reading (ns) up to which hand-recorded durations are accounted for (see recordMeasured). */
	until = -(1n << 62n);
	/** Busy time of the closed intervals, ns. */
	closedNs = 0;

	/** Forgets the busy time so far (calls in flight count in full when they end). */
	reset(): void {
		this.closedNs = 0;
	}
}

/** Told about one call (with its duration in ns): a slow one, or one whose duration was invalid. Only those calls pay for it. */
export type SlowListener = (series: Series, ns: number) => void;

const TWO_32 = 4294967296;
/** Stands in for marks not allocated yet (the scan then reads none of it). */
const NO_MARKS = new Uint32Array(0);
/** Stands in for counts not allocated yet: every index is outside it. */
const NO_COUNTS = new Float64Array(0);

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
	/** Busy-time accounting: shared by the hook series of one plugin, private to any other series. */
	readonly busy: Busy;
	/** Calls that completed asynchronously (a promise or a callback) since start or reset. */
	asyncCount = 0;
	/** Synchronous self time (ns, until the call returned) of the sampled asynchronous calls (see markSelf). */
	selfNs = 0;
	/** Asynchronous calls whose self time was measured. */
	selfSamples = 0;
	/** Asynchronous calls until the next one whose self time is measured. */
	selfCountdown = 1;

	/** Lifetime counts of buckets countsBase .. countsBase + counts.length - 1 (see the file comment). */
	#counts = NO_COUNTS;
	#countsBase = 0;
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

	constructor(op: string, plugin: string | null, kind: SeriesKind, slots: number, busy: Busy = new Busy()) {
		this.op = op;
		this.plugin = plugin;
		this.kind = kind;
		this.busy = busy;
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
			const at = bucketIndex(ns) - this.#countsBase;
			const counts = this.#counts;
			if (at >= 0 && at < counts.length) counts[at]!++;
			else this.#countOutside(at + this.#countsBase);
			if (ns > this.slowNs) this.#reportSlow(ns);
		} else this.#reportInvalid(ns);
	}

	/** Records one failed call (it threw or rejected) of `ns` nanoseconds. Never throws. */
	recordError(ns: number): void {
		this.errors++;
		this.record(ns);
	}

	/**
	 * Lifetime bucket counts: entry i is bucket countsBase + i. Every non-zero bucket lies in it, and so does
	 * low..high; other buckets are zero.
	 */
	get counts(): Float64Array {
		return this.#counts;
	}

	/** Bucket index of counts[0]. */
	get countsBase(): number {
		return this.#countsBase;
	}

	/** Widens the counts to whole 32-bucket rows covering `index` too, then counts one call there. */
	#countOutside(index: number): void {
		const old = this.#counts;
		const oldBase = this.#countsBase;
		let low = index & ~31;
		let end = Math.min(BUCKET_COUNT, (index | 31) + 1);
		if (old.length > 0) {
			low = Math.min(low, oldBase);
			end = Math.max(end, oldBase + old.length);
		}
		const counts = new Float64Array(end - low);
		if (old.length > 0) counts.set(old, oldBase - low);
		counts[index - low]!++;
		this.#counts = counts;
		this.#countsBase = low;
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
		const counts = this.#counts;
		const countsBase = this.#countsBase;
		const base = this.#slot * this.#markWidth - this.#markLow;
		// Lifetime buckets outside low..high are zero, and so is that part of any mark (see the file comment):
		// copying the range is a full copy. Uint32 stores wrap mod 2^32.
		for (let index = low; index <= high; index++) marks[base + index] = counts[index - countsBase]!;
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

	/** Zeroes everything in place (wrappers keep their reference to this series) and drops the arrays. */
	reset(): void {
		this.count = 0;
		this.errors = 0;
		this.sumNs = 0;
		this.minNs = Infinity;
		this.maxNs = 0;
		this.slow = 0;
		this.invalid = 0;
		this.asyncCount = 0;
		this.selfNs = 0;
		this.selfSamples = 0;
		this.selfCountdown = 1;
		this.#counts = NO_COUNTS;
		this.#countsBase = 0;
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
		const counts = this.#counts;
		const countsBase = this.#countsBase;
		const marks = this.#marks ?? NO_MARKS;
		const markLow = this.#markLow;
		const markEnd = markLow + this.#markWidth;
		const oldest = (this.#slot + 1) % this.#slotCount;
		const base = oldest * this.#markWidth - markLow;
		const high = this.high;
		let count = 0;
		for (let index = this.low; index <= high; index++) {
			const total = counts[index - countsBase]!;
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
		return this.#counts.byteLength + (this.#marks?.byteLength ?? 0) + this.#markErrors.byteLength + 200;
	}

	/** Lifetime statistics as plain data (a fresh object; the numbers are cached until the next call or reset). */
	stats(): LatencyStats {
		return copyStats(this.#lifeStats());
	}

	#lifeStats(): LatencyStats {
		if (this.#life === null || this.#lifeCount !== this.count || this.#lifeResets !== this.#resets) {
			this.#life = latencyStats(this.#counts, this.count, this.errors, this.sumNs, this.minNs, this.maxNs, this.timedCount, this.low, this.high, this.#countsBase);
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
			...(this.asyncCount > 0 ? {asyncCount: this.asyncCount, selfMs: this.selfSamples > 0 ? ((this.selfNs / this.selfSamples) * this.asyncCount) / 1e6 : 0} : {}),
		};
	}

	/** Summary plus the full histogram. */
	export(windowMs: number): SeriesExport {
		return {...this.summary(windowMs), histogram: toHistogramData(this.#counts, this.#countsBase), sumNs: this.sumNs};
	}
}

/** Where a window is computed when the caller gives no array (summaries are built synchronously, one at a time). */
const sharedScratch = new Float64Array(BUCKET_COUNT);
