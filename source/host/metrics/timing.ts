/**
 * Timing wrappers. Everything is decided at wrap time (which series, which clock, sync or async); the hot
 * path is clock, call, clock, record.
 *
 * - `this`, arguments and the return value pass through unchanged. A promise is timed to its settlement.
 * - A sync throw and an async rejection are counted as errors and passed on as the same object.
 * - A function declared `async` returns a fresh promise on every call, so its wrapper returns the promise of
 *   the timing reaction instead: it settles with the same value or the same reason, and a rejection the
 *   caller ignores is still reported by Node as unhandled, exactly as without monitoring. The wrapper has
 *   the async function's prototype, so it still looks async to frameworks that check.
 * - Any other function that returns a native promise gets that very promise back (it may be shared or carry
 *   properties). Observing it marks its rejection as handled: a caller that ignores such a rejected promise
 *   no longer gets an 'unhandledRejection' for it. Declare the function `async` where that matters.
 * - Nothing the monitor does can throw into the caller: a failure while recording goes to the fault sink
 *   (counted, reported once per kind), and the reaction attached to a promise never rejects.
 * - Only native promises are timed to settlement. Other thenables (query builders, lazy values) are returned
 *   untouched and timed as sync calls, because calling their `then` could start work the caller never asked for.
 * - With `callback` (an argument index or 'last'), a call is timed until that callback is first invoked (an error
 *   when its first argument is not null/undefined), recorded before the callback runs, so work the callback starts
 *   downstream is not charged. A native promise returned as well ends the timing if it settles first.
 * - Every call is counted in the series' busy time (see Busy) from its start to its end, and while it is in flight
 *   (a call that never ends keeps its plugin busy, as it keeps a caller waiting); calls that complete
 *   asynchronously also get their synchronous self time (from the start until they returned), measured on a
 *   sample of them (see markSelf).
 *
 * Code that already awaits or combines the promises it gets (the plugin manager's sequential and parallel hook
 * calls) can time a call without the wrapper's extra reaction: `timingOf(wrapper)` gives the wrapped function
 * and where it records, and enter / markSelf / recordSince / recordErrorSince record with the same guarantees.
 */
import type {Busy, Series} from './series.js';

/** A monotonic clock in nanoseconds. */
export type Clock = () => bigint;

/** The default clock: the cheapest monotonic clock measured here. It cannot throw. */
export const hrClock: Clock = process.hrtime.bigint;

/** Where internal failures go (the monitor's Faults). */
export interface FaultSink {
	report(kind: string, error: unknown): void;
}

/** Any function (the wrappers keep its exact type). */
export type AnyFunction = (...args: any[]) => any;

const AsyncFunction = (async () => {}).constructor;
const PromisePrototype = Promise.prototype;

/** True for functions declared `async` (their result is always a native promise). */
export function isAsyncFunction(fn: AnyFunction): boolean {
	return fn instanceof AsyncFunction;
}

/** True only for native promises (not subclasses, not other thenables). */
export function isNativePromise(value: object): value is Promise<unknown> {
	return Object.getPrototypeOf(value) === PromisePrototype;
}

const silentSink: FaultSink = {report() {}};

function reportFault(faults: FaultSink, kind: string, error: unknown): void {
	try {
		faults.report(kind, error);
	} catch {
		// The sink is the last line; nothing goes past it.
	}
}

/**
 * A clock that never throws and always returns a bigint: a custom clock (tests pass fakes) is guarded;
 * a failed read reports a `clock` fault and repeats the last good value.
 */
export function guardClock(clock: Clock, faults: FaultSink = silentSink): Clock {
	if (clock === hrClock) return clock;
	let last = 0n;
	return () => {
		try {
			const value: unknown = clock();
			if (typeof value === 'bigint') return (last = value);
			if (typeof value === 'number' && Number.isFinite(value)) return (last = BigInt(Math.round(value)));
			throw new TypeError(`clock returned ${typeof value}, not a bigint`);
		} catch (error) {
			reportFault(faults, 'clock', error);
			return last;
		}
	};
}

/**
 * Enters one call, started at `start`, into `series`' busy-time accounting (see Busy); returns whether the call
 * opened the busy interval (nothing of its plugin was in flight), which its end must be told. The opening call
 * writes the interval's start (one store), so busy time read while calls are in flight includes the open
 * interval. Without `start` the interval's start is written later: by {@link markSelf} when the call is then
 * alone in flight, or when the opening call ends before others; until then a read may count the open interval
 * from an older start, so pass `start`.
 */
export function enter(series: Series, start?: bigint): boolean {
	const busy = series.busy;
	if (busy.inFlight++ !== 0) return false;
	if (start !== undefined) busy.since = start;
	return true;
}

/**
 * Leaves one call (started at `start`, ended at `end`, `ns` long) from the busy-time accounting: the last call in
 * flight closes the interval. A call alone in its plugin adds its own duration (its start is the interval's);
 * an opening call that ends while others are still in flight writes the interval's start again, for callers
 * that entered without it (see enter).
 */
function leave(busy: Busy, opener: boolean, start: bigint, end: bigint, ns: number): void {
	const left = --busy.inFlight;
	if (left === 0) busy.closedNs += opener ? ns : Number(end - busy.since);
	else if (left > 0) {
		if (opener) busy.since = start;
	} else busy.inFlight = 0; // a record without its enter (recordSince used on its own)
}

/** Synchronous self time is measured on one asynchronous call in this many (see markSelf). */
export const SELF_SAMPLE_EVERY = 8;

/**
 * Counts a call that did not complete when it returned. Its synchronous self time (from `start` until now)
 * is measured on every SELF_SAMPLE_EVERY-th such call of the series, the first included, so the common call
 * pays a decrement instead of a clock read; summaries scale the sampled mean to all asynchronous calls.
 * A call that is now alone in flight in its plugin owns the open busy interval: its `start` is written as the
 * interval's start, for callers that entered it without one (see enter).
 */
export function markSelf(series: Series, clock: Clock, start: bigint): void {
	const busy = series.busy;
	if (busy.inFlight === 1) busy.since = start;
	countSelf(series, clock, start);
}

/** markSelf for calls whose busy interval start was written when they entered (the wrappers here). */
function countSelf(series: Series, clock: Clock, start: bigint): void {
	series.asyncCount++;
	if (--series.selfCountdown <= 0) {
		series.selfCountdown = SELF_SAMPLE_EVERY;
		series.selfSamples++;
		series.selfNs += Number(clock() - start);
	}
}

/** Records a success of `series` started at `start` (entered, `opener` as enter said), read from `clock`; never throws. */
export function recordSince(series: Series, clock: Clock, start: bigint, faults: FaultSink, opener = false): void {
	try {
		const end = clock();
		const ns = Number(end - start);
		leave(series.busy, opener, start, end, ns);
		series.record(ns);
	} catch (error) {
		reportFault(faults, 'record', error);
	}
}

/** Records a failure of `series` started at `start` (entered, `opener` as enter said), read from `clock`; never throws. */
export function recordErrorSince(series: Series, clock: Clock, start: bigint, faults: FaultSink, opener = false): void {
	try {
		const end = clock();
		const ns = Number(end - start);
		leave(series.busy, opener, start, end, ns);
		series.recordError(ns);
	} catch (error) {
		reportFault(faults, 'record', error);
	}
}

/**
 * Records a duration measured elsewhere (`ns`, ending now) and adds to the busy time the part of it that the
 * plugin's earlier records do not cover: hand-recorded calls that overlap count once. While calls of the
 * plugin are in flight, their interval is taken to cover the record. Never throws.
 */
export function recordMeasured(series: Series, clock: Clock, ns: number, error: boolean, faults: FaultSink): void {
	try {
		if (error) series.recordError(ns);
		else series.record(ns);
		const busy = series.busy;
		if (!(ns > 0 && ns < Infinity) || busy.inFlight > 0) return;
		const now = clock();
		const from = now - BigInt(Math.round(ns));
		const uncovered = from > busy.until ? from : busy.until;
		if (now > uncovered) {
			busy.closedNs += Number(now - uncovered);
			busy.until = now;
		}
	} catch (failure) {
		reportFault(faults, 'record', failure);
	}
}

/** Times `promise` to its settlement; returns it unchanged. The attached reaction never rejects. */
function settle<T>(promise: Promise<T>, series: Series, clock: Clock, start: bigint, faults: FaultSink, opener: boolean): Promise<T> {
	try {
		promise.then(
			() => recordSince(series, clock, start, faults, opener),
			() => recordErrorSince(series, clock, start, faults, opener),
		);
	} catch (error) {
		// A replaced Promise.prototype.then that throws: the call counts as ended now.
		recordSince(series, clock, start, faults, opener);
		reportFault(faults, 'record', error);
	}
	return promise;
}

/** Where a callback-style function takes its callback: an argument index, or the last argument. */
export type CallbackPosition = number | 'last';

/** How `timed` times calls. */
export interface TimedOptions {
	/** Time each call until this callback argument is first invoked (see the file comment). */
	callback?: CallbackPosition;
}

/** What a wrapper made by `timed` calls and where it records (see timingOf). */
export interface TimedParts {
	/** The wrapped function itself. */
	readonly fn: AnyFunction;
	readonly series: Series;
	/** Never throws (a guarded clock). */
	readonly clock: Clock;
	readonly faults: FaultSink;
	/** Where the callback is, for callback-style wrappers; undefined otherwise. */
	readonly callback: CallbackPosition | undefined;
}

/** The parts of every live wrapper; weak, so a dropped wrapper costs nothing here. */
const partsOf = new WeakMap<AnyFunction, TimedParts>();

/**
 * The parts of a wrapper made by `timed`, or undefined for any other function (e.g. the function a
 * disabled monitor's wrap() handed back unchanged). Lets a caller that awaits the result anyway time the
 * wrapped function itself, with enter / recordSince / recordErrorSince, instead of calling the wrapper.
 */
export function timingOf(wrapper: AnyFunction): TimedParts | undefined {
	return partsOf.get(wrapper);
}

/** Keys a wrapper keeps its own values of (a function's own `prototype` is for `new`, the others are legacy). */
const WRAPPER_OWN_KEYS = new Set<PropertyKey>(['prototype', 'arguments', 'caller']);

/**
 * Gives `wrapper` what frameworks read on `fn`: its own properties and symbols (with their descriptors, so
 * `name` and `length` too) and its prototype (so the wrapper of an `async function` is an AsyncFunction).
 * What cannot be copied (a proxy's traps refusing) is reported as a `plugin-wrap` fault; the wrapper still times.
 */
function lookAlike(wrapper: AnyFunction, fn: AnyFunction, faults: FaultSink): void {
	try {
		for (const key of Reflect.ownKeys(fn)) {
			if (WRAPPER_OWN_KEYS.has(key)) continue;
			try {
				Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(fn, key)!);
			} catch (error) {
				reportFault(faults, 'plugin-wrap', error);
			}
		}
		const prototype = Object.getPrototypeOf(fn) as object | null;
		if (Object.getPrototypeOf(wrapper) !== prototype) Object.setPrototypeOf(wrapper, prototype);
	} catch (error) {
		reportFault(faults, 'plugin-wrap', error);
	}
}

/**
 * Wraps `fn` so each call is recorded into `series` (see the file comment for the guarantees). The
 * wrapper keeps `fn`'s own properties and symbols, `name`, `length` and prototype. `clock` must never throw:
 * pass custom clocks through guardClock.
 */
export function timed<F extends AnyFunction>(fn: F, series: Series, clock: Clock = hrClock, faults: FaultSink = silentSink, options: TimedOptions = {}): F {
	const callback = options.callback;
	const wrapper =
		callback !== undefined
			? callbackWrapper(fn, series, clock, faults, callback)
			: isAsyncFunction(fn)
				? asyncWrapper(fn, series, clock, faults)
				: syncWrapper(fn, series, clock, faults);
	lookAlike(wrapper, fn, faults);
	partsOf.set(wrapper, {fn, series, clock, faults, callback});
	return wrapper as F;
}

function syncWrapper(fn: AnyFunction, series: Series, clock: Clock, faults: FaultSink): AnyFunction {
	const busy = series.busy;
	return function (this: unknown) {
		const start = clock();
		// enter(), written out: the opening call writes the interval's start.
		const opener = busy.inFlight++ === 0;
		if (opener) busy.since = start;
		let result: unknown;
		try {
			result = fn.apply(this, arguments as unknown as unknown[]);
		} catch (error) {
			recordErrorSince(series, clock, start, faults, opener);
			throw error;
		}
		if (typeof result === 'object' && result !== null && isNativePromise(result)) {
			countSelf(series, clock, start);
			return settle(result, series, clock, start, faults, opener);
		}
		try {
			const end = clock();
			const ns = Number(end - start);
			// leave(), written out: a call alone in its plugin adds its own duration (its start is the interval's).
			if (--busy.inFlight === 0) busy.closedNs += opener ? ns : Number(end - busy.since);
			series.record(ns);
		} catch (error) {
			reportFault(faults, 'record', error);
		}
		return result;
	};
}

function asyncWrapper(fn: AnyFunction, series: Series, clock: Clock, faults: FaultSink): AnyFunction {
	const busy = series.busy;
	return function (this: unknown) {
		const start = clock();
		const opener = busy.inFlight++ === 0;
		if (opener) busy.since = start;
		let promise: Promise<unknown>;
		try {
			promise = fn.apply(this, arguments as unknown as unknown[]);
		} catch (error) {
			// An async function throws synchronously only when the engine itself fails (e.g. stack overflow).
			recordErrorSince(series, clock, start, faults, opener);
			throw error;
		}
		countSelf(series, clock, start);
		// The reactions are written here, not in a helper, so that they capture only this call's state.
		try {
			return promise.then(
				value => {
					recordSince(series, clock, start, faults, opener);
					return value;
				},
				(reason: unknown) => {
					recordErrorSince(series, clock, start, faults, opener);
					throw reason;
				},
			);
		} catch (error) {
			// A replaced Promise.prototype.then that throws: the caller gets the untimed promise.
			recordSince(series, clock, start, faults, opener);
			reportFault(faults, 'record', error);
			return promise;
		}
	};
}

function callbackWrapper(fn: AnyFunction, series: Series, clock: Clock, faults: FaultSink, position: CallbackPosition): AnyFunction {
	const plain = isAsyncFunction(fn) ? asyncWrapper(fn, series, clock, faults) : syncWrapper(fn, series, clock, faults);
	const last = position === 'last';
	const index = last ? 0 : position;
	return function (this: unknown) {
		const args = arguments;
		const at = last ? args.length - 1 : index;
		const callback: unknown = at >= 0 ? args[at] : undefined;
		if (typeof callback !== 'function') return plain.apply(this, args as unknown as unknown[]);
		const start = clock();
		const opener = enter(series, start);
		let done = false;
		args[at] = function (this: unknown, error: unknown) {
			if (!done) {
				done = true;
				if (error === undefined || error === null) recordSince(series, clock, start, faults, opener);
				else recordErrorSince(series, clock, start, faults, opener);
			}
			return (callback as AnyFunction).apply(this, arguments as unknown as unknown[]);
		};
		let result: unknown;
		try {
			result = fn.apply(this, args as unknown as unknown[]);
		} catch (error) {
			if (!done) {
				done = true;
				recordErrorSince(series, clock, start, faults, opener);
			}
			throw error;
		}
		if (done) return result;
		countSelf(series, clock, start);
		if (typeof result === 'object' && result !== null && isNativePromise(result)) {
			try {
				result.then(
					() => {
						if (done) return;
						done = true;
						recordSince(series, clock, start, faults, opener);
					},
					() => {
						if (done) return;
						done = true;
						recordErrorSince(series, clock, start, faults, opener);
					},
				);
			} catch (error) {
				reportFault(faults, 'record', error);
			}
		}
		return result;
	};
}

/** The end of a timer that records nothing (a disabled monitor's, shared). */
export const noopEnd: (error?: unknown) => void = () => {};

/**
 * Starts timing one call into `series` now; the returned end records it once: a success, or an error when
 * given anything other than undefined or null. Later calls of the end record nothing.
 */
export function startTimer(series: Series, clock: Clock = hrClock, faults: FaultSink = silentSink): (error?: unknown) => void {
	const start = clock();
	const opener = enter(series, start);
	let done = false;
	return (error?: unknown) => {
		if (done) return;
		done = true;
		if (error === undefined || error === null) recordSince(series, clock, start, faults, opener);
		else recordErrorSince(series, clock, start, faults, opener);
	};
}

/** Times one call of `fn` into `series` (same guarantees as `timed`, without the callback form). */
export function timeCall<T>(fn: () => T, series: Series, clock: Clock = hrClock, faults: FaultSink = silentSink): T {
	const start = clock();
	const opener = enter(series, start);
	let result: T;
	try {
		result = fn();
	} catch (error) {
		recordErrorSince(series, clock, start, faults, opener);
		throw error;
	}
	if (typeof result === 'object' && result !== null && isNativePromise(result)) {
		countSelf(series, clock, start);
		return (isAsyncFunction(fn) ? relay(result, series, clock, start, faults, opener) : settle(result, series, clock, start, faults, opener)) as T;
	}
	recordSince(series, clock, start, faults, opener);
	return result;
}

/** The promise returned for an async function's call: settles like `promise` (same value, same reason), after recording it. */
async function relay(promise: Promise<unknown>, series: Series, clock: Clock, start: bigint, faults: FaultSink, opener: boolean): Promise<unknown> {
	let value: unknown;
	try {
		value = await promise;
	} catch (reason) {
		recordErrorSince(series, clock, start, faults, opener);
		throw reason;
	}
	recordSince(series, clock, start, faults, opener);
	return value;
}
