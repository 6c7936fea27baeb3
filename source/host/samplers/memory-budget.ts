/**
 * The memory budget: a baseline RSS taken once the host has warmed up, the budget derived from it, and a
 * bounded ring of recent RSS samples for sparklines.
 */

/** Options of the memory budget. */
export interface MemoryBudgetOptions {
	/** Time after the sampler starts before the baseline is taken, ms (default 30 000). */
	warmupMs?: number;
	/** Samples needed before the baseline is taken (default 3); the baseline is their median. */
	warmupSamples?: number;
	/** Budget = baseline x (1 + memoryIncrease) (default 0.2; the monitor passes its threshold). */
	memoryIncrease?: number;
	/** RSS samples kept for sparklines (default 60). */
	historySize?: number;
}

/** Tracks RSS against a baseline taken after warm-up. Memory is fixed (one ring). */
export class MemoryBudget {
	readonly #warmupMs: number;
	readonly #warmupSamples: number;
	readonly #increase: number;
	readonly #ring: Float64Array;
	#startedAt: number | null = null;
	#count = 0;
	#baseline: number | null = null;

	constructor(options: MemoryBudgetOptions = {}) {
		this.#warmupMs = options.warmupMs ?? 30_000;
		this.#warmupSamples = Math.max(1, options.warmupSamples ?? 3);
		this.#increase = options.memoryIncrease ?? 0.2;
		this.#ring = new Float64Array(Math.max(this.#warmupSamples, options.historySize ?? 60));
	}

	/** Adds one RSS sample taken at `now` (epoch ms); the first sample starts the warm-up. */
	add(now: number, rss: number): void {
		this.#startedAt ??= now;
		this.#ring[this.#count % this.#ring.length] = rss;
		this.#count++;
		if (this.#baseline === null && this.#count >= this.#warmupSamples && now - this.#startedAt >= this.#warmupMs) {
			this.#baseline = median(this.#last(this.#warmupSamples));
		}
	}

	/** Baseline RSS, null while warming up. */
	get baseline(): number | null {
		return this.#baseline;
	}

	/** Budget RSS, null while warming up. */
	get budget(): number | null {
		return this.#baseline === null ? null : Math.round(this.#baseline * (1 + this.#increase));
	}

	/** Recent RSS samples, oldest first. */
	history(): number[] {
		return this.#last(Math.min(this.#count, this.#ring.length));
	}

	#last(n: number): number[] {
		const values: number[] = [];
		for (let i = this.#count - n; i < this.#count; i++) values.push(this.#ring[i % this.#ring.length]!);
		return values;
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
