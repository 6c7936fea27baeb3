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

/** Runs `work` as one plugin load and measures its self cost. Never throws: failures come back as `ok: false`. */
export async function measureLoad<T>(forceGc: boolean, work: () => Promise<T>): Promise<Measured<T>> {
	active++;
	try {
		return await measure(forceGc, work);
	} finally {
		// The last load to finish turns the async context (and its promise hooks) off again.
		if (--active === 0) frames.disable();
	}
}

async function measure<T>(forceGc: boolean, work: () => Promise<T>): Promise<Measured<T>> {
	const parent = frames.getStore();
	const frame: Frame = {childNs: 0, childBytes: 0, open: true};
	const gc = collector(forceGc);
	const outerStart = process.hrtime.bigint();
	gc?.();
	const heapBefore = process.memoryUsage().heapUsed;
	const start = process.hrtime.bigint();
	let outcome: {ok: true; value: T} | {ok: false; error: unknown};
	try {
		outcome = {ok: true, value: await frames.run(frame, work)};
	} catch (error) {
		outcome = {ok: false, error};
	}
	const end = process.hrtime.bigint();
	gc?.();
	const heapAfter = process.memoryUsage().heapUsed;
	frame.open = false;
	const totalNs = Number(end - start);
	const totalBytes = heapAfter - heapBefore;
	if (parent?.open) {
		parent.childNs += Number(process.hrtime.bigint() - outerStart);
		parent.childBytes += totalBytes;
	}
	const cost: LoadCost = {
		ms: Math.max(0, totalNs - frame.childNs) / 1e6,
		bytes: totalBytes - frame.childBytes,
		mode: gc ? 'gc' : 'heap-delta',
	};
	return outcome.ok ? {ok: true, value: outcome.value, cost} : {ok: false, error: outcome.error, cost};
}
