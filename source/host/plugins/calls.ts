/**
 * Sequential and parallel hook calls. Without a monitor they loop over the raw implementations. With one
 * attached they time each implementation themselves, on the reactions the call needs anyway: a sequential
 * call awaits each result, so the clock is read when the await resumes; a parallel call combines the results
 * like Promise.all, and each implementation's one reaction both records its timing and collects its value.
 * No extra promise or reaction per implementation, and callers observe exactly what they would without a
 * monitor (same values in the same order, the same error objects, the same number of ticks). A sequential or
 * parallel call of a hook with one implementation skips the loop and Promise.all, attached or not: one reaction
 * puts the value in an array.
 *
 * Timing follows the monitor's wrappers (busy time and the synchronous self time of async calls included): a
 * promise is timed to its settlement, anything else (plain values,
 * thenables that are not promises) as a sync call; a throw or rejection is recorded as an error of the
 * implementation that threw; recording never throws into the call. One difference: a Promise subclass is
 * timed to its settlement here (the wrappers time it as a sync call so as never to call a `then` the caller
 * did not ask for; here the call awaits every result anyway).
 */
import {enter, markSelf, recordErrorSince, recordSince} from '../metrics/timing.js';
import type {HookTable, TimedHook} from './hook-table.js';
import type {HookFunction} from './types.js';

/**
 * Calls the implementations of `name` one after the other, awaiting each before starting the next; resolves
 * with the settled results in order, or rejects with the first throw or rejection (the same object).
 */
export function callSeries(table: HookTable, name: string, args: unknown[]): Promise<unknown[]> {
	// With one implementation, one after the other and all at once are the same call (see rawSingle).
	const timed = table.timed;
	if (timed !== null) {
		const plan = timed.get(name);
		if (plan !== undefined) return plan.length === 1 && plan[0]!.series !== null ? timedSingle(plan[0]!, args, false) : timedSeries(plan, args);
	}
	const implementations = table.active.get(name);
	return implementations !== undefined && implementations.length === 1 ? rawSingle(implementations[0]!, args, false) : rawSeries(implementations, args);
}

async function rawSeries(implementations: readonly HookFunction[] | undefined, args: unknown[]): Promise<unknown[]> {
	if (implementations === undefined) return [];
	const count = implementations.length;
	const results = new Array<unknown>(count);
	for (let index = 0; index < count; index++) {
		// Called through a local so the implementation gets no `this` (never the array).
		const implementation = implementations[index]!;
		results[index] = await implementation(...args);
	}
	return results;
}

/** rawSeries, timing each implementation around the await it needs anyway (its own code, so its own type feedback). */
async function timedSeries(plan: readonly TimedHook[], args: unknown[]): Promise<unknown[]> {
	const count = plan.length;
	const results = new Array<unknown>(count);
	for (let index = 0; index < count; index++) {
		const {fn, series, clock, faults} = plan[index]!;
		if (series === null) {
			results[index] = await fn(...args);
			continue;
		}
		const start = clock();
		const opener = enter(series);
		let value: unknown;
		try {
			value = fn(...args);
		} catch (error) {
			recordErrorSince(series, clock, start, faults, opener);
			throw error;
		}
		if (value instanceof Promise) {
			markSelf(series, clock, start);
			try {
				value = await value;
			} catch (error) {
				recordErrorSince(series, clock, start, faults, opener);
				throw error;
			}
			recordSince(series, clock, start, faults, opener);
			results[index] = value;
		} else {
			recordSince(series, clock, start, faults, opener);
			results[index] = await value;
		}
	}
	return results;
}

/**
 * Starts every implementation of `name` before awaiting any, then resolves with all settled results in
 * order (Promise.all). A synchronous throw counts as that implementation's rejection (the others are still
 * started); the result rejects with the first rejection to happen.
 */
export function callParallel(table: HookTable, name: string, args: unknown[]): Promise<unknown[]> {
	const timed = table.timed;
	if (timed !== null) {
		const plan = timed.get(name);
		if (plan !== undefined) return plan.length === 1 && plan[0]!.series !== null ? timedSingle(plan[0]!, args, true) : timedParallel(plan, args);
	}
	const implementations = table.active.get(name);
	if (implementations === undefined) return Promise.resolve([]);
	const count = implementations.length;
	if (count === 1) return rawSingle(implementations[0]!, args, true);
	const pending = new Array<unknown>(count);
	for (let index = 0; index < count; index++) {
		try {
			const implementation = implementations[index]!;
			pending[index] = implementation(...args);
		} catch (error) {
			pending[index] = Promise.reject(error);
		}
	}
	return Promise.all(pending);
}

/** One element into a one-element array (the fulfilment handler of the single-implementation calls). */
const inArray = (value: unknown): unknown[] => [value];

/**
 * The result of a call whose one implementation threw: rejected at once, as a sequential call (an async
 * function) rejects; a tick later for a parallel call, as Promise.all([Promise.reject(error)]) rejects.
 */
function thrown(error: unknown, parallel: boolean): Promise<unknown[]> {
	const rejected = Promise.reject(error);
	return parallel ? rejected.then(inArray) : rejected;
}

/**
 * callParallel for the common case of one implementation: a promise it returns gets one reaction that puts
 * its value in an array, which settles as Promise.all([promise]) would (same value, same reason, as many
 * ticks) without the combining promise.
 */
function rawSingle(implementation: HookFunction, args: unknown[], parallel: boolean): Promise<unknown[]> {
	let value: unknown;
	try {
		value = implementation(...args);
	} catch (error) {
		return thrown(error, parallel);
	}
	return value instanceof Promise ? Promise.resolve(value).then(inArray) : Promise.all([value]);
}

/**
 * timedParallel for the common case of one timed implementation: a promise it returns gets one reaction,
 * which records and resolves with the one-element array (as Promise.all([promise]) would, in as many ticks),
 * without the combining promise and its executor.
 */
function timedSingle(hook: TimedHook, args: unknown[], parallel: boolean): Promise<unknown[]> {
	const {fn, clock, faults} = hook;
	const series = hook.series!;
	const start = clock();
	const opener = enter(series);
	let value: unknown;
	try {
		value = fn(...args);
	} catch (error) {
		recordErrorSince(series, clock, start, faults, opener);
		return thrown(error, parallel);
	}
	if (!(value instanceof Promise)) {
		recordSince(series, clock, start, faults, opener);
		return Promise.all([value]);
	}
	markSelf(series, clock, start);
	return Promise.resolve(value).then(
		result => {
			recordSince(series, clock, start, faults, opener);
			return [result];
		},
		(reason: unknown) => {
			recordErrorSince(series, clock, start, faults, opener);
			throw reason;
		},
	);
}

/**
 * Promise.all over the timed implementations, step for step: first every implementation is started (a sync
 * result or throw is recorded at once), then each result gets `Promise.resolve(result).then(...)` in order,
 * whose reaction records a promise's settlement and collects the value, or rejects the whole.
 */
function timedParallel(plan: readonly TimedHook[], args: unknown[]): Promise<unknown[]> {
	return new Promise<unknown[]>((resolve, reject) => {
		const count = plan.length;
		const results = new Array<unknown>(count);
		// Start times of the implementations whose promise is timed to settlement; undefined for the others.
		const starts = new Array<bigint | undefined>(count);
		let openers = 0;
		for (let index = 0; index < count; index++) {
			const {fn, series, clock, faults} = plan[index]!;
			if (series === null) {
				try {
					results[index] = fn(...args);
				} catch (error) {
					results[index] = Promise.reject(error);
				}
				continue;
			}
			const start = clock();
			const busy = series.busy;
			const opener = busy.inFlight++ === 0;
			let value: unknown;
			try {
				value = fn(...args);
			} catch (error) {
				recordErrorSince(series, clock, start, faults, opener);
				results[index] = Promise.reject(error);
				continue;
			}
			results[index] = value;
			if (value instanceof Promise) {
				markSelf(series, clock, start);
				starts[index] = start;
				// Which calls opened their plugin's busy interval, as bits (no allocation); past 30 implementations
				// the opener writes the interval's start now, and its end is told it did not open it.
				if (opener) {
					if (index < 30) openers |= 1 << index;
					else busy.since = start;
				}
			} else recordSince(series, clock, start, faults, opener);
		}
		let remaining = count;
		for (let index = 0; index < count; index++) {
			const start = starts[index];
			if (start === undefined) {
				Promise.resolve(results[index]).then(value => {
					results[index] = value;
					if (--remaining === 0) resolve(results);
				}, reject);
				continue;
			}
			const {series, clock, faults} = plan[index]!;
			const opener = (openers & (1 << index)) !== 0 && index < 30;
			Promise.resolve(results[index]).then(
				value => {
					recordSince(series!, clock, start, faults, opener);
					results[index] = value;
					if (--remaining === 0) resolve(results);
				},
				(reason: unknown) => {
					recordErrorSince(series!, clock, start, faults, opener);
					reject(reason);
				},
			);
		}
	});
}
