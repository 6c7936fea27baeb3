/**
 * Reusable nanoseconds-per-call measurement for benchmark sections.
 *
 * A subject is a batch: a function that makes `n` calls and returns a number that depends on every call's
 * result (so the work cannot be dropped as dead code). Subjects are measured interleaved: every round runs
 * each subject `reps` times in a rotating order and keeps its fastest batch (interference from other
 * processes only ever adds time), and a section reports medians over rounds. Ratios between two subjects are
 * taken per round (both measured seconds apart) and their median reported.
 *
 * The default clock is the process's CPU time (user + system, all threads, so GC helper threads count):
 * on a shared machine, time spent waiting for a core while another process runs is not a cost of the code
 * under test, and wall time would add it at random. `clock: 'wall'` measures elapsed time instead.
 */
import {median} from './harness.js';

/** Makes `n` calls; returns a value derived from all results. May be async (awaited). */
export type Batch = (n: number) => number | Promise<number>;

export interface InterleaveOptions {
	/** Rounds (medians are taken over these). */
	rounds: number;
	/** Calls per batch. */
	calls: number;
	/** Batches per subject per round; the fastest one counts (default 3). */
	reps?: number;
	/** Warm-up batches per subject before the first round (default 3). */
	warmup?: number;
	/** What a batch's cost is: CPU time of the process (default) or elapsed wall time. */
	clock?: BatchClock;
}

/** How a batch is timed (see the file comment). */
export type BatchClock = 'cpu' | 'wall';

/** Per subject: ns per call of each round. */
export type RoundTimes<K extends string> = Record<K, number[]>;

let sinkValue = 0;
const minorGc = (globalThis as {gc?: (options?: {type: 'minor' | 'major'}) => void}).gc;

/** Folds a batch result into a global sink so that no measured work is dead. */
export function sink(value: number): void {
	sinkValue = (sinkValue + (value | 0)) | 0;
}

/** The sink's value (print or ignore; it exists so the optimizer cannot drop the work). */
export function sinkState(): number {
	return sinkValue;
}

/** Nanoseconds per call of one batch of `calls` calls, by CPU time (default) or wall time. */
export async function timeBatch(batch: Batch, calls: number, clock: BatchClock = 'cpu'): Promise<number> {
	// Start with an empty young generation, so a batch pays for collecting its own garbage, not its predecessor's.
	minorGc?.({type: 'minor'});
	const cpu = process.cpuUsage();
	const start = process.hrtime.bigint();
	const result = batch(calls);
	const value = typeof result === 'number' ? result : await result;
	const wall = Number(process.hrtime.bigint() - start);
	const used = process.cpuUsage(cpu);
	sink(value);
	return (clock === 'cpu' ? (used.user + used.system) * 1000 : wall) / calls;
}

/** Measures every subject interleaved (see the file comment); returns ns per call per round. */
export async function interleave<K extends string>(subjects: Record<K, Batch>, options: InterleaveOptions): Promise<RoundTimes<K>> {
	const names = Object.keys(subjects) as K[];
	const reps = options.reps ?? 3;
	const warmup = options.warmup ?? 3;
	for (let index = 0; index < warmup; index++) {
		for (const name of names) await timeBatch(subjects[name], options.calls, options.clock);
	}
	const times = Object.fromEntries(names.map(name => [name, [] as number[]])) as RoundTimes<K>;
	for (let round = 0; round < options.rounds; round++) {
		const best = new Map<K, number>();
		for (let rep = 0; rep < reps; rep++) {
			// Rotate the order so that no subject always runs right after the same neighbour.
			const shift = (round * reps + rep) % names.length;
			const order = [...names.slice(shift), ...names.slice(0, shift)];
			for (const name of order) {
				const ns = await timeBatch(subjects[name], options.calls, options.clock);
				best.set(name, Math.min(best.get(name) ?? Infinity, ns));
			}
		}
		for (const name of names) times[name].push(best.get(name)!);
	}
	return times;
}

/** Median ns per call of one subject. */
export function medianOf(times: number[]): number {
	return median(times);
}

/** Median over rounds of (a - base) / (b - base): added cost of `a` relative to the added cost of `b`. */
export function medianAddedRatio(a: number[], b: number[], base: number[]): number {
	return median(a.map((value, round) => (value - base[round]!) / (b[round]! - base[round]!)));
}

/** Median over rounds of (a - base) / ref: ns added by `a` over `base`, as a fraction of `ref`. */
export function medianAddedOver(a: number[], base: number[], ref: number[]): number {
	return median(a.map((value, round) => (value - base[round]!) / ref[round]!));
}

/** Median over rounds of a / b. */
export function medianRatio(a: number[], b: number[]): number {
	return median(a.map((value, round) => value / b[round]!));
}

/** Median over rounds of a - b (ns added by `a` over `b`). */
export function medianAdded(a: number[], b: number[]): number {
	return median(a.map((value, round) => value - b[round]!));
}

/**
 * Compiles `source` (an expression) into fresh code with its own optimization state, so that
 * two subjects built from the same source text do not share type feedback (which would make call sites
 * polymorphic and slow down both). `source` must not refer to module variables; pass them as arguments.
 */
export function compileFresh<T>(source: string): T {
	// V8 caches compiled code and type feedback by source text: a unique comment makes every copy distinct.
	return new Function(`'use strict'; /* copy ${++copies} */ return (${source});`)() as T;
}

let copies = 0;

/** Forces a full GC (the bench runs with --expose-gc); returns false when unavailable. */
export function collect(): boolean {
	const gc = (globalThis as {gc?: () => void}).gc;
	if (!gc) return false;
	gc();
	gc();
	return true;
}

/** Heap plus off-heap (array buffers, external) bytes in use, after a full GC. */
export function retainedBytes(): number {
	collect();
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.external;
}
