/**
 * Timing wrappers. Everything is decided at wrap time (which series, which clock, sync or async); the hot
 * path is clock, call, clock, record.
 *
 * - `this`, arguments and the return value pass through unchanged. A promise is timed to its settlement.
 * - A sync throw and an async rejection are counted as errors and passed on as the same object.
 * - A function declared `async` returns a fresh promise on every call, so its wrapper returns the promise of
 *   the timing reaction instead: it settles with the same value or the same reason, and a rejection the
 *   caller ignores is still reported by Node as unhandled, exactly as without monitoring.
 * - Any other function that returns a native promise gets that very promise back (it may be shared or carry
 *   properties). Observing it marks its rejection as handled: a caller that ignores such a rejected promise
 *   no longer gets an 'unhandledRejection' for it. Declare the function `async` where that matters.
 * - Nothing the monitor does can throw into the caller: a failure while recording goes to the fault sink
 *   (counted, reported once per kind), and the reaction attached to a promise never rejects.
 * - Only native promises are timed to settlement. Other thenables (query builders, lazy values) are returned
 *   untouched and timed as sync calls, because calling their `then` could start work the caller never asked for.
 *
 * Code that already awaits or combines the promises it gets (the plugin manager's sequential and parallel hook
 * calls) can time a call without the wrapper's extra reaction: `timingOf(wrapper)` gives the wrapped function
 * and where it records, and recordSince / recordErrorSince record with the same guarantees.
 */
import type {Series} from './series.js';

/** A monotonic clock in nanoseconds. */
export type Clock = () => bigint;

/** The default clock: the cheapest monotonic clock measured here. It cannot throw. */
export const hrClock: Clock = process.hrtime.bigint;

/** Where internal failures go (the monitor's Faults). */
export interface FaultSink {
	report(kind: string, error: unknown): void;
}

/** Any function (the wrappers keep its exact type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
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

/** Records a success of `series` started at `start` (read from `clock`); never throws. */
export function recordSince(series: Series, clock: Clock, start: bigint, faults: FaultSink): void {
	try {
		series.record(Number(clock() - start));
	} catch (error) {
		reportFault(faults, 'record', error);
	}
}

/** Records a failure of `series` started at `start` (read from `clock`); never throws. */
export function recordErrorSince(series: Series, clock: Clock, start: bigint, faults: FaultSink): void {
	try {
		series.recordError(Number(clock() - start));
	} catch (error) {
		reportFault(faults, 'record', error);
	}
}

/** Times `promise` to its settlement; returns it unchanged. The attached reaction never rejects. */
function settle<T>(promise: Promise<T>, series: Series, clock: Clock, start: bigint, faults: FaultSink): Promise<T> {
	try {
		promise.then(
			() => recordSince(series, clock, start, faults),
			() => recordErrorSince(series, clock, start, faults),
		);
	} catch (error) {
		reportFault(faults, 'record', error);
	}
	return promise;
}

/** What a wrapper made by `timed` calls and where it records (see timingOf). */
export interface TimedParts {
	/** The wrapped function itself. */
	readonly fn: AnyFunction;
	readonly series: Series;
	/** Never throws (a guarded clock). */
	readonly clock: Clock;
	readonly faults: FaultSink;
}

/** The parts of every live wrapper; weak, so a dropped wrapper costs nothing here. */
const partsOf = new WeakMap<AnyFunction, TimedParts>();

/**
 * The parts of a wrapper made by `timed`, or undefined for any other function (e.g. the function a
 * disabled monitor's wrap() handed back unchanged). Lets a caller that awaits the result anyway time the
 * wrapped function itself, with recordSince / recordErrorSince, instead of calling the wrapper.
 */
export function timingOf(wrapper: AnyFunction): TimedParts | undefined {
	return partsOf.get(wrapper);
}

/**
 * Wraps `fn` so each call is recorded into `series` (see the file comment for the guarantees). The
 * wrapper keeps `fn`'s name and length. `clock` must never throw: pass custom clocks through guardClock.
 */
export function timed<F extends AnyFunction>(fn: F, series: Series, clock: Clock = hrClock, faults: FaultSink = silentSink): F {
	const wrapper = isAsyncFunction(fn) ? asyncWrapper(fn, series, clock, faults) : syncWrapper(fn, series, clock, faults);
	Object.defineProperty(wrapper, 'name', {value: fn.name, configurable: true});
	Object.defineProperty(wrapper, 'length', {value: fn.length, configurable: true});
	partsOf.set(wrapper, {fn, series, clock, faults});
	return wrapper as F;
}

function syncWrapper(fn: AnyFunction, series: Series, clock: Clock, faults: FaultSink): AnyFunction {
	return function (this: unknown) {
		const start = clock();
		let result: unknown;
		try {
			// eslint-disable-next-line prefer-rest-params
			result = fn.apply(this, arguments as unknown as unknown[]);
		} catch (error) {
			recordErrorSince(series, clock, start, faults);
			throw error;
		}
		if (typeof result === 'object' && result !== null && isNativePromise(result)) return settle(result, series, clock, start, faults);
		try {
			series.record(Number(clock() - start));
		} catch (error) {
			reportFault(faults, 'record', error);
		}
		return result;
	};
}

function asyncWrapper(fn: AnyFunction, series: Series, clock: Clock, faults: FaultSink): AnyFunction {
	return function (this: unknown) {
		const start = clock();
		let promise: Promise<unknown>;
		try {
			// eslint-disable-next-line prefer-rest-params
			promise = fn.apply(this, arguments as unknown as unknown[]);
		} catch (error) {
			// An async function throws synchronously only when the engine itself fails (e.g. stack overflow).
			recordErrorSince(series, clock, start, faults);
			throw error;
		}
		// The reactions are written here, not in a helper, so that they capture only `start` (smaller closures).
		try {
			return promise.then(
				value => {
					recordSince(series, clock, start, faults);
					return value;
				},
				(reason: unknown) => {
					recordErrorSince(series, clock, start, faults);
					throw reason;
				},
			);
		} catch (error) {
			// A replaced Promise.prototype.then that throws: the caller gets the untimed promise.
			reportFault(faults, 'record', error);
			return promise;
		}
	};
}

/**
 * The promise returned for an async function's call: settles like `promise` (same value, same reason),
 * after recording it. (Reusing pooled reactions instead of two closures per call was measured slower.)
 */
function relay(promise: Promise<unknown>, series: Series, clock: Clock, start: bigint, faults: FaultSink): Promise<unknown> {
	try {
		return promise.then(
			value => {
				recordSince(series, clock, start, faults);
				return value;
			},
			(reason: unknown) => {
				recordErrorSince(series, clock, start, faults);
				throw reason;
			},
		);
	} catch (error) {
		reportFault(faults, 'record', error);
		return promise;
	}
}

/** Times one call of `fn` into `series` (same guarantees as `timed`). */
export function timeCall<T>(fn: () => T, series: Series, clock: Clock = hrClock, faults: FaultSink = silentSink): T {
	const start = clock();
	let result: T;
	try {
		result = fn();
	} catch (error) {
		recordErrorSince(series, clock, start, faults);
		throw error;
	}
	if (typeof result === 'object' && result !== null && isNativePromise(result)) {
		return (isAsyncFunction(fn) ? relay(result, series, clock, start, faults) : settle(result, series, clock, start, faults)) as T;
	}
	recordSince(series, clock, start, faults);
	return result;
}
