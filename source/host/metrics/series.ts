/**
 * One series: count, errors, sum, min, max and a log-linear histogram of durations (ns) since start or reset,
 * plus the recent window. Bounded memory, sized by the durations a series has seen rather than by its calls:
 *
 * - Recording counts a call in `cur`, one byte per bucket (the calls of the current slot not yet flushed). The
 *   byte wraps at 256 calls: that rare step adds 256 to a small side table (`carries`). Both arrays cover only
 *   the range of buckets the durations have reached, grown 8 buckets at a time, so recording
 *   allocates only when a duration lands outside the range seen so far (a few times in a series' life).
 * - A flush (before any read, and at every rotation) adds `cur` and the carries into the lifetime counts
 *   (Uint32, promoted to Float64 once a bucket passes 2^32 - 1 calls) and into the current slot's row, then
 *   zeroes `cur`. Flushing is O(range) and happens at most once per read or rotation after new calls.
 * - The recent window is a ring of `slots` rows: each holds the exact calls per bucket of one slot, encoded
 *   sparse (only the buckets the slot touched; a spread series' entries take a byte or less, see encodeRow), in one byte buffer
 *   ordered oldest to current. Rotating drops the oldest row. The window's histogram is the sum of the rows, so
 *   it is exact: its percentiles carry the histogram's stated error (see protocol/histogram.ts), like the
 *   lifetime's. Reading it costs one pass over the buckets between the lifetime min and max plus the rows.
 *
 * At most BUCKET_COUNT x (1 + 8) bytes of counts, and rows of a few bytes per touched bucket and slot: a series
 * whose durations spread over seven decades stays within the `series-bytes` goal (test/bench/core.ts).
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
 * call and one store by the call that opens an interval (its start). Read with {@link Busy.ns}: the closed
 * intervals plus, while calls are in flight, the open one up to now, so steady overlapping load and a call
 * that never ends show as busy time as it passes (a call that never ends keeps its plugin busy from then on).
 */
export class Busy {
	/** Calls in flight. */
	inFlight = 0;
	/** Clock reading (ns) when the current interval opened, written by the call that opens it. */
	since = 0n;
	/** Clock reading (ns) up to which hand-recorded durations are accounted for (see recordMeasured). */
	until = -(1n << 62n);
	/** Busy time of the closed intervals, ns, less the part of the open interval before the last reset. */
	closedNs = 0;

	/** Busy time (ns) up to `now` (a reading of the clock the calls were timed with): closed intervals plus the open one. */
	ns(now: bigint): number {
		if (this.inFlight <= 0) return this.closedNs;
		const total = this.closedNs + Number(now - this.since);
		return total > 0 ? total : 0;
	}

	/** Forgets the busy time before `now`: an interval open at `now` counts from `now` on. */
	reset(now: bigint): void {
		this.closedNs = this.inFlight > 0 ? -Number(now - this.since) : 0;
	}
}

/** Told about one call (with its duration in ns): a slow one, or one whose duration was invalid. Only those calls pay for it. */
export type SlowListener = (series: Series, ns: number) => void;

const TWO_32 = 4294967296;
/** Stands in for counts not allocated yet: every index is outside it. */
const NO_COUNTS: Uint32Array | Float64Array = new Uint32Array(0);
/** Stands in for the current slot's byte counts before the first call. */
const NO_CUR = new Uint8Array(0);
/** Stands in for the window's rows before the first flush. */
const NO_ROWS = new Uint8Array(0);

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

	/** Calls of the current slot not flushed yet, bucket countsBase + i at i; a byte that wraps carries 256 (see #carry). */
	#cur: Uint8Array = NO_CUR;
	/** Lifetime counts as of the last flush, same buckets as #cur (see the file comment). */
	#counts = NO_COUNTS;
	#countsBase = 0;
	/** Calls (multiples of 256) that wrapped a byte of #cur since the last flush, by bucket index; null while none did. */
	#carries: Map<number, number> | null = null;
	/** `count` at the last flush: nothing to flush while it is unchanged. */
	#flushedCount = 0;
	/** The window's rows (see encodeRow), oldest first; the last one is the current slot's. */
	#rows: Uint8Array = NO_ROWS;
	/** Bytes of #rows in use. */
	#rowsUsed = 0;
	/** Byte length of each row, oldest first. */
	readonly #rowLengths: number[];
	/** Rows in the ring, the current slot's included (1 .. slots). */
	#rowCount = 1;
	/** Lifetime errors at the start of each slot. */
	readonly #markErrors: number[];
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
		// Plain arrays: a typed array's own overhead is several times these few numbers.
		this.#markErrors = new Array<number>(this.#slotCount).fill(0);
		this.#rowLengths = new Array<number>(this.#slotCount).fill(0);
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
			const cur = this.#cur;
			if (at >= 0 && at < cur.length) {
				if (++cur[at]! === 256) this.#carry(at);
			} else this.#countOutside(at + this.#countsBase);
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
	 * low..high; other buckets are zero. Uint32 until a bucket passes 2^32 - 1 calls, Float64 from then on.
	 * Reading it flushes the calls recorded since the last read (see the file comment).
	 */
	get counts(): Uint32Array | Float64Array {
		this.#flush();
		return this.#counts;
	}

	/** Bucket index of counts[0]. */
	get countsBase(): number {
		return this.#countsBase;
	}

	/** The byte of #cur at `at` wrapped: its 256 calls wait in the carries until the next flush. */
	#carry(at: number): void {
		const index = at + this.#countsBase;
		const carries = (this.#carries ??= new Map());
		carries.set(index, (carries.get(index) ?? 0) + 256);
	}

	/** Widens the counts to whole 8-bucket blocks covering `index` too, then counts one call there. */
	#countOutside(index: number): void {
		const oldCur = this.#cur;
		const oldCounts = this.#counts;
		const oldBase = this.#countsBase;
		let low = index & ~7;
		let end = Math.min(BUCKET_COUNT, (index | 7) + 1);
		if (oldCur.length > 0) {
			low = Math.min(low, oldBase);
			end = Math.max(end, oldBase + oldCur.length);
		}
		const width = end - low;
		let cur: Uint8Array;
		let counts: Uint32Array | Float64Array;
		if (oldCounts instanceof Float64Array) {
			counts = new Float64Array(width);
			cur = new Uint8Array(width);
		} else {
			// One buffer for both: a typed array's own overhead is a sizeable part of a small series.
			const buffer = new ArrayBuffer(width * 5);
			counts = new Uint32Array(buffer, 0, width);
			cur = new Uint8Array(buffer, width * 4, width);
		}
		if (oldCur.length > 0) {
			cur.set(oldCur, oldBase - low);
			counts.set(oldCounts, oldBase - low);
		}
		cur[index - low] = 1;
		this.#cur = cur;
		this.#counts = counts;
		this.#countsBase = low;
	}

	/**
	 * Adds the calls recorded since the last flush (#cur and the carries) into the lifetime counts and the
	 * current slot's row, and zeroes #cur. Does nothing when no call came since.
	 */
	#flush(): void {
		if (this.count === this.#flushedCount) return;
		this.#flushedCount = this.count;
		const low = this.low;
		const high = this.high;
		if (high < low) return; // only invalid durations: nothing in the histograms
		let cur = this.#cur;
		const base = this.#countsBase;
		const carries = this.#carries;
		this.#carries = null;
		const last = this.#rowCount - 1;
		const start = this.#rowsUsed - this.#rowLengths[last]!;
		const merge = mergeScratch;
		addRow(this.#rows, start, this.#rowsUsed, merge);
		let counts = this.#counts;
		for (let index = low; index <= high; index++) {
			const at = index - base;
			let calls = cur[at]!;
			if (carries !== null) calls += carries.get(index) ?? 0;
			if (calls === 0) continue;
			cur[at] = 0;
			merge[index]! += calls;
			const total = counts[at]! + calls;
			if (total >= TWO_32 && !(counts instanceof Float64Array)) {
				// Past 2^32 - 1 calls: Float64 from now on, and #cur in a buffer of its own (see #countOutside).
				counts = Float64Array.from(counts);
				cur = cur.slice();
				this.#counts = counts;
				this.#cur = cur;
			}
			counts[at] = total;
		}
		const length = encodeRow(null, 0, merge, low, high);
		if (start + length > this.#rows.length) this.#growRows(start + length);
		encodeRow(this.#rows, start, merge, low, high);
		this.#rowLengths[last] = length;
		this.#rowsUsed = start + length;
	}

	/** Makes #rows hold at least `size` bytes (with room to spare, so rotations rarely allocate). */
	#growRows(size: number): void {
		const rows = new Uint8Array(size + (size >> 4) + 16);
		rows.set(this.#rows.subarray(0, this.#rowsUsed));
		this.#rows = rows;
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
		// The oldest row leaves before the current one takes its last calls, so the rows never hold more than
		// the ring. With one slot, the current row is the oldest: it leaves once it has them.
		if (this.#rowCount === this.#slotCount && this.#slotCount > 1) this.#dropOldest();
		this.#flush();
		if (this.#slotCount === 1) this.#dropOldest();
		this.#slot = (this.#slot + 1) % this.#slotCount;
		this.#rotations++;
		this.#markErrors[this.#slot] = this.errors;
		this.#rowLengths[this.#rowCount] = 0;
		this.#rowCount++;
	}

	/** Drops the oldest row of the window. */
	#dropOldest(): void {
		const lengths = this.#rowLengths;
		const dropped = lengths[0]!;
		if (dropped > 0) this.#rows.copyWithin(0, dropped, this.#rowsUsed);
		this.#rowsUsed -= dropped;
		lengths.copyWithin(0, 1, this.#rowCount);
		this.#rowCount--;
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
		this.#cur = NO_CUR;
		this.#counts = NO_COUNTS;
		this.#countsBase = 0;
		this.#carries = null;
		this.#flushedCount = 0;
		this.#rows = NO_ROWS;
		this.#rowsUsed = 0;
		this.#rowLengths.fill(0);
		this.#rowCount = 1;
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
		this.#flush();
		const high = this.high;
		if (!add && high >= 0) into.fill(0, this.low, high + 1);
		const rows = this.#rows;
		const lengths = this.#rowLengths;
		let count = 0;
		let at = 0;
		for (let row = 0; row < this.#rowCount; row++) {
			const end = at + lengths[row]!;
			count += addRow(rows, at, end, into);
			at = end;
		}
		return [count, this.errors - this.#markErrors[(this.#slot + 1) % this.#slotCount]!];
	}

	/** Slots in the recent window's ring. */
	get slotCount(): number {
		return this.#slotCount;
	}

	/** Bytes held by this series' arrays. */
	get bytes(): number {
		return this.#counts.byteLength + this.#cur.byteLength + this.#rows.byteLength + (this.#rowLengths.length + this.#markErrors.length) * 8 + 200;
	}

	/** Lifetime statistics as plain data (a fresh object; the numbers are cached until the next call or reset). */
	stats(): LatencyStats {
		return copyStats(this.#lifeStats());
	}

	#lifeStats(): LatencyStats {
		if (this.#life === null || this.#lifeCount !== this.count || this.#lifeResets !== this.#resets) {
			this.#flush();
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
		return {...this.summary(windowMs), histogram: toHistogramData(this.counts, this.#countsBase), sumNs: this.sumNs};
	}
}

/** Where a window is computed when the caller gives no array (summaries are built synchronously, one at a time). */
const sharedScratch = new Float64Array(BUCKET_COUNT);

/** Where a flush merges the current slot's row with the new calls (all zero between flushes). */
const mergeScratch = new Float64Array(BUCKET_COUNT);

/** Largest distance of an entry packed two to a byte (see encodeRow): 11 x 11 pairs fit in the 127 bytes above 0x80. */
const PAIR_GAP = 11;

/**
 * Encodes buckets low..high of `from` as one row of the window (only the non-zero buckets, ascending) into
 * `into` at `offset`, zeroing them in `from`; with `into` null, only measures. Returns the row's byte length.
 * Each entry is its bucket's distance from the previous entry's (the first: from -1) and its calls, as
 * - two consecutive entries of one call each at distances 1..11: one byte 0x81 + (d1 - 1) x 11 + (d2 - 1);
 * - one entry at distance 1..16 with 1..8 calls: one byte 0ddddccc;
 * - any other entry: the byte 0x80 followed by the distance and the calls as base-128 varints (low digits
 *   first, high bit set on all but the last digit).
 * A series spread over many buckets touches most of them with a call or two per slot: mostly the first two forms.
 */
function encodeRow(into: Uint8Array | null, offset: number, from: Float64Array, low: number, high: number): number {
	let at = offset;
	let previous = -1;
	// Distance of a one-call entry waiting for a partner (0: none).
	let waiting = 0;
	for (let index = low; index <= high; index++) {
		const calls = from[index]!;
		if (calls === 0) continue;
		const gap = index - previous;
		previous = index;
		if (into !== null) from[index] = 0;
		if (calls === 1 && gap <= PAIR_GAP) {
			if (waiting === 0) {
				waiting = gap;
				continue;
			}
			if (into !== null) into[at] = 0x81 + (waiting - 1) * PAIR_GAP + gap - 1;
			at++;
			waiting = 0;
			continue;
		}
		if (waiting !== 0) {
			if (into !== null) into[at] = (waiting - 1) << 3;
			at++;
			waiting = 0;
		}
		if (gap <= 16 && calls <= 8) {
			if (into !== null) into[at] = ((gap - 1) << 3) | (calls - 1);
			at++;
		} else {
			if (into !== null) into[at] = 0x80;
			at = writeVarint(into, writeVarint(into, at + 1, gap), calls);
		}
	}
	if (waiting !== 0) {
		if (into !== null) into[at] = (waiting - 1) << 3;
		at++;
	}
	return at - offset;
}

/** Writes `value` (an integer >= 0) as a base-128 varint at `at` (measures only when `into` is null); returns the next offset. */
function writeVarint(into: Uint8Array | null, at: number, value: number): number {
	while (value >= 128) {
		if (into !== null) into[at] = (value % 128) | 128;
		at++;
		value = Math.floor(value / 128);
	}
	if (into !== null) into[at] = value;
	return at + 1;
}

/** Adds the row encoded in rows[start..end) (see encodeRow) into `into`; returns its calls. */
function addRow(rows: Uint8Array, start: number, end: number, into: Float64Array): number {
	let at = start;
	let index = -1;
	let total = 0;
	while (at < end) {
		const byte = rows[at++]!;
		let gap: number;
		let calls: number;
		if (byte < 0x80) {
			gap = (byte >> 3) + 1;
			calls = (byte & 7) + 1;
		} else if (byte > 0x80) {
			const pair = byte - 0x81;
			index += Math.floor(pair / PAIR_GAP) + 1;
			into[index]! += 1;
			gap = (pair % PAIR_GAP) + 1;
			calls = 1;
			total += 1;
		} else {
			gap = 0;
			let scale = 1;
			let digit: number;
			do {
				digit = rows[at++]!;
				gap += (digit & 127) * scale;
				scale *= 128;
			} while (digit >= 128);
			calls = 0;
			scale = 1;
			do {
				digit = rows[at++]!;
				calls += (digit & 127) * scale;
				scale *= 128;
			} while (digit >= 128);
		}
		index += gap;
		into[index]! += calls;
		total += calls;
	}
	return total;
}
