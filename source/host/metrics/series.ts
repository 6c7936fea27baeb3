/**
 * One series: count, errors, sum, min, max and a log-linear histogram of durations (ns) since start or reset,
 * plus a ring of per-slot histograms for the recent window. Fixed memory: about
 * BUCKET_COUNT x (8 + 4 x slots) bytes, allocated once; recording allocates nothing.
 */
import {BUCKET_COUNT, bucketIndex, bucketValue, quantileOf, toHistogramData} from '../../protocol/histogram.js';
import type {LatencyStats, SeriesExport, SeriesSummary, WindowStats} from '../../protocol/snapshot.js';

/** `hook` for plugin-manager hooks, `operation` for time()/wrap()/instrument(). */
export type SeriesKind = 'hook' | 'operation';

/** Told about one call (with its duration in ns): a slow one, or one whose duration was invalid. Only those calls pay for it. */
export type SlowListener = (series: Series, ns: number) => void;

const NS_PER_MS = 1e6;

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
	readonly #slots: Uint32Array[];
	readonly #slotErrors: Float64Array;
	#slot = 0;
	#current: Uint32Array;

	constructor(op: string, plugin: string | null, kind: SeriesKind, slots: number) {
		this.op = op;
		this.plugin = plugin;
		this.kind = kind;
		this.#slots = Array.from({length: Math.max(1, slots)}, () => new Uint32Array(BUCKET_COUNT));
		this.#slotErrors = new Float64Array(this.#slots.length);
		this.#current = this.#slots[0]!;
	}

	/**
	 * Records one successful call of `ns` nanoseconds. Never throws. A duration that is not a finite number
	 * >= 0 (a clock that went backwards, a bad external measurement) still counts as a call but stays out of
	 * the sum, min, max and histograms; it is counted in `invalid` and reported to `onInvalid`.
	 */
	record(ns: number): void {
		this.count++;
		if (ns >= 0 && ns < Infinity) {
			const index = bucketIndex(ns);
			this.sumNs += ns;
			if (ns < this.minNs) this.minNs = ns;
			if (ns > this.maxNs) this.maxNs = ns;
			this.buckets[index]!++;
			this.#current[index]!++;
			if (ns > this.slowNs) this.#reportSlow(ns);
		} else this.#reportInvalid(ns);
	}

	/** Records one failed call (it threw or rejected) of `ns` nanoseconds. Never throws. */
	recordError(ns: number): void {
		this.errors++;
		this.#slotErrors[this.#slot]!++;
		this.record(ns);
	}

	/** Calls with a valid duration (the population of the histogram). */
	get timedCount(): number {
		return this.count - this.invalid;
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

	/** Starts a new slot of the recent-window ring, dropping the oldest. */
	rotate(): void {
		this.#slot = (this.#slot + 1) % this.#slots.length;
		const next = this.#slots[this.#slot]!;
		if (this.#slotErrors[this.#slot] !== 0 || hasCounts(next)) next.fill(0);
		this.#slotErrors[this.#slot] = 0;
		this.#current = next;
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
		for (const slot of this.#slots) slot.fill(0);
		this.#slotErrors.fill(0);
	}

	/** Adds the recent-window buckets into `into`; returns [count, errors]. */
	addWindow(into: Float64Array): [number, number] {
		let count = 0;
		for (const slot of this.#slots) {
			for (let index = 0; index < slot.length; index++) {
				const value = slot[index]!;
				if (value !== 0) {
					into[index]! += value;
					count += value;
				}
			}
		}
		let errors = 0;
		for (const value of this.#slotErrors) errors += value;
		return [count, errors];
	}

	get slotCount(): number {
		return this.#slots.length;
	}

	/** Bytes held by this series' arrays. */
	get bytes(): number {
		return this.buckets.byteLength + this.#slots.length * BUCKET_COUNT * 4 + this.#slotErrors.byteLength + 200;
	}

	/** Lifetime statistics as plain data. */
	stats(): LatencyStats {
		return latencyStats(this.buckets, this.count, this.errors, this.sumNs, this.minNs, this.maxNs, this.timedCount);
	}

	/** Summary as plain data; `windowMs` is the time the recent ring actually covers. */
	summary(windowMs: number, scratch = new Float64Array(BUCKET_COUNT)): SeriesSummary {
		scratch.fill(0);
		const [count, errors] = this.addWindow(scratch);
		return {
			op: this.op,
			plugin: this.plugin,
			kind: this.kind,
			...this.stats(),
			recent: windowStats(scratch, count, errors, windowMs),
			slow: this.slow,
		};
	}

	/** Summary plus the full histogram. */
	export(windowMs: number): SeriesExport {
		return {...this.summary(windowMs), histogram: toHistogramData(this.buckets), sumNs: this.sumNs};
	}
}

function hasCounts(array: Uint32Array): boolean {
	for (let index = 0; index < array.length; index++) if (array[index] !== 0) return true;
	return false;
}

/**
 * Latency statistics from dense buckets and exact scalars (ns in, ms out). `timed` is the number of calls in
 * the buckets and the sum (calls with an invalid duration are in `count` only; default: all of them).
 */
export function latencyStats(buckets: ArrayLike<number>, count: number, errors: number, sumNs: number, minNs: number, maxNs: number, timed = count): LatencyStats {
	const has = timed > 0;
	const q = (p: number) => {
		const value = has ? quantileOf(buckets, timed, p, minNs, maxNs) : null;
		return value === null ? null : value / NS_PER_MS;
	};
	return {
		count,
		errors,
		totalMs: sumNs / NS_PER_MS,
		minMs: has ? minNs / NS_PER_MS : null,
		maxMs: has ? maxNs / NS_PER_MS : null,
		meanMs: has ? sumNs / timed / NS_PER_MS : null,
		p50Ms: q(0.5),
		p95Ms: q(0.95),
		p99Ms: q(0.99),
	};
}

/** Window statistics from dense buckets only (sum, min and max estimated from bucket values). */
export function windowStats(buckets: ArrayLike<number>, count: number, errors: number, windowMs: number): WindowStats {
	let sum = 0;
	let min = Infinity;
	let max = 0;
	for (let index = 0; index < buckets.length; index++) {
		const value = buckets[index]!;
		if (value === 0) continue;
		const v = bucketValue(index);
		sum += v * value;
		if (v < min) min = v;
		if (v > max) max = v;
	}
	const seconds = Math.max(windowMs, 1) / 1000;
	return {
		...latencyStats(buckets, count, errors, sum, min, max),
		windowMs,
		rate: count / seconds,
		errorRate: errors / seconds,
	};
}
