/**
 * Timing wrappers. Everything is decided at wrap time (which series, which clock); the hot path is
 * clock, call, clock, record. Sync throws and async rejections are counted and passed on as the same
 * object; a promise result is returned as is (same object) and timed to its settlement.
 */
import type {Series} from './series.js';

/** A monotonic clock in nanoseconds. */
export type Clock = () => bigint;

/** The default clock: the cheapest monotonic clock measured here. */
export const hrClock: Clock = process.hrtime.bigint;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as {then?: unknown}).then === 'function';
}

/** Records the settlement of `promise` into `series`; returns the same promise. */
function timeSettlement<T>(promise: PromiseLike<T>, series: Series, clock: Clock, start: bigint): PromiseLike<T> {
	try {
		promise.then(
			() => {
				series.record(Number(clock() - start));
			},
			() => {
				series.recordError(Number(clock() - start));
			},
		);
	} catch {
		// A hostile thenable: the caller still gets its value untouched.
	}
	return promise;
}

/**
 * Wraps `fn` so each call is recorded into `series`. `this`, arguments, return value and thrown errors
 * pass through unchanged. The wrapper keeps `fn`'s name and length.
 */
export function timed<F extends AnyFunction>(fn: F, series: Series, clock: Clock = hrClock): F {
	const wrapper = function (this: unknown) {
		const start = clock();
		let result: unknown;
		try {
			// eslint-disable-next-line prefer-rest-params
			result = fn.apply(this, arguments as unknown as unknown[]);
		} catch (error) {
			series.recordError(Number(clock() - start));
			throw error;
		}
		if (isThenable(result)) return timeSettlement(result, series, clock, start);
		series.record(Number(clock() - start));
		return result;
	};
	Object.defineProperty(wrapper, 'name', {value: fn.name, configurable: true});
	Object.defineProperty(wrapper, 'length', {value: fn.length, configurable: true});
	return wrapper as unknown as F;
}

/** Times one call of `fn` into `series` (same semantics as `timed`). */
export function timeCall<T>(fn: () => T, series: Series, clock: Clock = hrClock): T {
	const start = clock();
	let result: T;
	try {
		result = fn();
	} catch (error) {
		series.recordError(Number(clock() - start));
		throw error;
	}
	if (isThenable(result)) return timeSettlement(result, series, clock, start) as T;
	series.record(Number(clock() - start));
	return result;
}
