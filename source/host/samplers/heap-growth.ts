/**
 * Heap-growth detection from the heap used after each major GC. A leak shows as a post-GC heap that keeps
 * setting new highs; a healthy sawtooth falls back after collections. The detector follows one run: each
 * major GC that leaves more heap than the run's high so far is a rise; a GC that falls clearly below the
 * high (more than `tolerance`) starts a new run. The heap is "growing" once a run has at least `majorGcs`
 * rises, spans at least `minDurationMs` and grew by at least `minGrowth` of its starting heap.
 */
import type {HeapGrowthStats} from '../../protocol/snapshot.js';

/** Options of heap-growth detection. */
export interface HeapGrowthOptions {
	/** Rising major GCs in a row needed (default 5). */
	majorGcs?: number;
	/** Shortest time the rise must span, ms (default 5 minutes). */
	minDurationMs?: number;
	/** Smallest total growth, as a share of the run's starting heap (default 0.1 = +10 %). */
	minGrowth?: number;
	/** A drop below the high by at most this share does not end the run (default 0.02). */
	tolerance?: number;
}

/** Follows the post-major-GC heap and says whether it is growing. */
export class HeapGrowthDetector {
	readonly #majorGcs: number;
	readonly #minDurationMs: number;
	readonly #minGrowth: number;
	readonly #tolerance: number;
	#start: {at: number; heap: number} | null = null;
	#high = 0;
	#highAt = 0;
	#rises = 0;

	constructor(options: HeapGrowthOptions = {}) {
		this.#majorGcs = Math.max(1, options.majorGcs ?? 5);
		this.#minDurationMs = options.minDurationMs ?? 5 * 60_000;
		this.#minGrowth = options.minGrowth ?? 0.1;
		this.#tolerance = options.tolerance ?? 0.02;
	}

	/** Adds the heap used after one major GC at `at` (epoch ms). */
	addMajor(at: number, heapUsed: number): void {
		if (this.#start === null || heapUsed < this.#high * (1 - this.#tolerance)) {
			this.#start = {at, heap: heapUsed};
			this.#high = heapUsed;
			this.#highAt = at;
			this.#rises = 0;
			return;
		}
		if (heapUsed > this.#high) {
			this.#high = heapUsed;
			this.#highAt = at;
			this.#rises++;
		}
	}

	/** The current run as data. */
	stats(): HeapGrowthStats {
		const start = this.#start;
		if (!start) return {growing: false, rises: 0, sinceAt: null, fromBytes: null, toBytes: null};
		const growing =
			this.#rises >= this.#majorGcs && this.#highAt - start.at >= this.#minDurationMs && this.#high - start.heap >= start.heap * this.#minGrowth;
		return {growing, rises: this.#rises, sinceAt: start.at, fromBytes: start.heap, toBytes: this.#high};
	}
}
