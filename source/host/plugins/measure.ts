/**
 * Load cost of one plugin: self time and self heap growth.
 *
 * Time runs from the start of the load (resolve, import, factory, setup) until its last step settles, so an
 * async setup counts until it resolves. Loads started inside another load (nested plugins, found through
 * the async context, so awaits in between do not matter) are subtracted from the outer plugin, which is
 * why the figures are "self" cost; the forced collections of a nested load count as nested time too.
 *
 * Memory is the heapUsed difference. With `forceGc` (and `global.gc`, from node --expose-gc) a full
 * collection runs before and after, so only what the plugin keeps alive counts (mode `gc`); otherwise it
 * is the raw difference, which includes garbage not yet collected and may even be negative (`heap-delta`).
 * Both are wall-clock measures: work of other code running during an async setup counts as well.
 *
 * The async context costs the whole process while it is on (on Node 20 an AsyncLocalStorage in use installs
 * promise hooks, which about doubles the cost of every promise the host makes), so it is switched off
 * whenever no load is in progress and switched on again by the next load.
 */
import {AsyncLocalStorage} from 'node:async_hooks';
import type {LoadMemoryMode} from './types.js';

interface Frame {
	childNs: number;
	childBytes: number;
	open: boolean;
}

const frames = new AsyncLocalStorage<Frame>();
/** Loads in progress (nested and concurrent ones included). */
let active = 0;

/** Self cost of one load. */
export interface LoadCost {
	ms: number;
	bytes: number;
	mode: LoadMemoryMode;
}

/** The outcome of a measured load: its value or what it threw, and its cost either way. */
export type Measured<T> = {ok: true; value: T; cost: LoadCost} | {ok: false; error: unknown; cost: LoadCost};

function collector(forceGc: boolean): (() => void) | null {
	const gc = globalThis.gc;
	return forceGc && typeof gc === 'function' ? () => gc() : null;
}

/** Told the cost of a load and how it ended (failed: `error` is what it threw or rejected with). */
export type LoadDone = (cost: LoadCost, error: unknown, failed: boolean) => void;

/** One load in progress: its frame (what nested loads add to) and the readings taken at its start. */
interface OpenLoad {
	frame: Frame;
	parent: Frame | undefined;
	gc: (() => void) | null;
	outerStart: bigint;
	heapBefore: number;
	start: bigint;
}

function open(forceGc: boolean): OpenLoad {
	active++;
	const parent = frames.getStore();
	const frame: Frame = {childNs: 0, childBytes: 0, open: true};
	const gc = collector(forceGc);
	const outerStart = process.hrtime.bigint();
	gc?.();
	const heapBefore = process.memoryUsage().heapUsed;
	return {frame, parent, gc, outerStart, heapBefore, start: process.hrtime.bigint()};
}

function close(load: OpenLoad): LoadCost {
	const end = process.hrtime.bigint();
	const {frame, parent, gc} = load;
	gc?.();
	const heapAfter = process.memoryUsage().heapUsed;
	frame.open = false;
	const totalNs = Number(end - load.start);
	const totalBytes = heapAfter - load.heapBefore;
	if (parent?.open) {
		parent.childNs += Number(process.hrtime.bigint() - load.outerStart);
		parent.childBytes += totalBytes;
	}
	// The last load to finish turns the async context (and its promise hooks) off again.
	if (--active === 0) frames.disable();
	return {ms: Math.max(0, totalNs - frame.childNs) / 1e6, bytes: totalBytes - frame.childBytes, mode: gc ? 'gc' : 'heap-delta'};
}

/**
 * Runs `work` (sync or async) as one plugin load and tells `done` its self cost before handing back what
 * `work` gave: its value, or its promise's outcome (a promise settling the same way, after `done`), or its
 * throw (the same object). The manager's loads and `PerformanceMonitor.measureLoad` share this.
 */
export function runMeasured<T>(forceGc: boolean, work: () => T, done: LoadDone): T {
	const load = open(forceGc);
	let result: T;
	try {
		result = frames.run(load.frame, work);
	} catch (error) {
		finish(load, done, error, true);
		throw error;
	}
	if (typeof result === 'object' && result !== null && typeof (result as {then?: unknown}).then === 'function') {
		return (async () => {
			let value: unknown;
			try {
				value = await result;
			} catch (error) {
				finish(load, done, error, true);
				throw error;
			}
			finish(load, done, undefined, false);
			return value;
		})() as T;
	}
	finish(load, done, undefined, false);
	return result;
}

function finish(load: OpenLoad, done: LoadDone, error: unknown, failed: boolean): void {
	const cost = close(load);
	try {
		done(cost, error, failed);
	} catch {
		// The listener reports its own failures; the load's outcome is the caller's.
	}
}

/** Runs `work` as one plugin load and measures its self cost. Never throws: failures come back as `ok: false`. */
export async function measureLoad<T>(forceGc: boolean, work: () => Promise<T>): Promise<Measured<T>> {
	let cost: LoadCost = {ms: 0, bytes: 0, mode: 'heap-delta'};
	const record: LoadDone = measured => {
		cost = measured;
	};
	try {
		const value = await runMeasured(forceGc, work, record);
		return {ok: true, value, cost};
	} catch (error) {
		return {ok: false, error, cost};
	}
}
