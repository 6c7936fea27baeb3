/**
 * Process and system sampling, off the hot path: one unref'd timer (the monitor never keeps the host
 * alive), fast while a client watches and slow otherwise. The system sampler runs only while watched, and
 * its module is loaded then, not with the host library (bench row `host-import-ms`).
 */
import type {ProcessSection, SystemSection} from '../../protocol/snapshot.js';
import type {Faults} from '../faults/faults.js';
import type {HeapGrowthOptions} from './heap-growth.js';
import type {MemoryBudgetOptions} from './memory-budget.js';
import {ProcessSampler} from './process-sampler.js';
import {defaultProcessSources, type ProcessSources} from './process-sources.js';
import type {SystemSampler, SystemSamplerOptions} from './system-sampler.js';

/** Timer functions; tests pass fakes. The default unrefs every timer. */
export interface SamplerTimers {
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

/** Sampling options (monitor option `samplers`). */
export interface SamplerOptions {
	/** Sampling interval while a client is attached, ms (default 1000). */
	intervalMs?: number;
	/** Interval while nobody watches, ms (default 10 000). */
	idleIntervalMs?: number;
	/** Memory budget: warm-up (time and samples), the increase allowed, RSS history length. */
	budget?: MemoryBudgetOptions;
	/** Resolution of the event-loop delay histogram, ms (default 50). */
	eventLoopResolutionMs?: number;
	/** Heap-growth detection (rising major GCs in a row, shortest span, smallest growth). */
	heapGrowth?: HeapGrowthOptions;
	/** System sampling (CPU, memory, disks, cgroup), done only while watched; false turns it off. */
	system?: SystemSamplerOptions | false;
	/** Replaces process sources (tests). */
	sources?: Partial<ProcessSources>;
	/** Wall clock, epoch ms (tests). */
	now?: () => number;
	/** Timers (tests). */
	timers?: SamplerTimers;
}

/** Called after every sample with the latest sections. */
export type SampleListener = (process: ProcessSection | null, system: SystemSection | null) => void;

const unrefTimers: SamplerTimers = {
	setTimeout(callback, ms) {
		const timer = setTimeout(callback, ms);
		timer.unref();
		return timer;
	},
	clearTimeout(handle) {
		clearTimeout(handle as NodeJS.Timeout);
	},
};

/** The process sampler and the system sampler on one adaptive timer. */
export class Samplers {
	readonly #faults: Faults;
	readonly #timers: SamplerTimers;
	readonly #now: () => number;
	readonly #intervalMs: number;
	readonly #idleIntervalMs: number;
	readonly #process: ProcessSampler;
	readonly #systemOptions: SystemSamplerOptions | null;
	#system: SystemSampler | null = null;
	readonly #listeners = new Set<SampleListener>();
	#watched = false;
	#running = false;
	#timer: unknown = null;
	#nextAt = Number.POSITIVE_INFINITY;
	#inFlight: Promise<void> | null = null;

	constructor(options: SamplerOptions, faults: Faults) {
		this.#faults = faults;
		this.#timers = options.timers ?? unrefTimers;
		this.#now = options.now ?? Date.now;
		this.#intervalMs = positive(options.intervalMs, 1000);
		this.#idleIntervalMs = positive(options.idleIntervalMs, 10_000);
		const sources = {...defaultProcessSources({pidusageMaxAgeMs: Math.max(60_000, this.#idleIntervalMs * 3), eventLoopResolutionMs: positive(options.eventLoopResolutionMs, 50)}), ...options.sources};
		this.#process = new ProcessSampler(sources, {budget: options.budget, heapGrowth: options.heapGrowth}, faults, this.#now);
		this.#systemOptions = options.system === false ? null : (options.system ?? {});
	}

	/** Starts sampling: a first sample right away, then one per interval. */
	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#process.start();
		this.#schedule(0);
	}

	/** Stops the timer and releases the system source; resolves once an in-flight sample has finished. */
	async stop(): Promise<void> {
		this.#running = false;
		this.#cancel();
		this.#process.stop();
		await this.#inFlight;
		try {
			await this.#system?.close();
		} catch (error) {
			this.#faults.report('system-sampler', error);
		}
	}

	/** Whether a client is watching: fast sampling and system sampling only then. */
	setWatched(watched: boolean): void {
		const was = this.#watched;
		this.#watched = watched;
		// Someone just attached: sample now rather than at the end of a long idle interval.
		if (watched && !was && this.#running) this.#schedule(0);
	}

	/** The interval in force, ms. */
	get intervalMs(): number {
		return this.#watched ? this.#intervalMs : this.#idleIntervalMs;
	}

	processSection(): ProcessSection | null {
		return this.#process.section();
	}

	systemSection(): SystemSection | null {
		return this.#system?.section() ?? null;
	}

	/** Adds a listener called after each sample; returns its removal. A throwing listener is a fault. */
	onSample(listener: SampleListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/**
	 * Takes one sample now (process, and system when watched) and notifies listeners. Used by the timer;
	 * hosts and tests may call it too. Concurrent calls share one sample.
	 */
	sampleNow(): Promise<void> {
		this.#inFlight ??= this.#tick().finally(() => {
			this.#inFlight = null;
		});
		return this.#inFlight;
	}

	async #tick(): Promise<void> {
		try {
			await this.#process.sample();
			if (this.#watched && this.#systemOptions) await (this.#system ?? (await this.#loadSystem())).sample();
		} catch (error) {
			this.#faults.report('sampler', error);
		}
		const process = this.#process.section();
		const system = this.systemSection();
		for (const listener of this.#listeners) {
			try {
				listener(process, system);
			} catch (error) {
				this.#faults.report('sample-listener', error);
			}
		}
	}

	/** Creates the system sampler on the first watched sample (ticks never overlap: see sampleNow). */
	async #loadSystem(): Promise<SystemSampler> {
		const {SystemSampler} = await import('./system-sampler.js');
		this.#system ??= new SystemSampler(this.#systemOptions ?? {}, this.#faults, this.#now);
		return this.#system;
	}

	#schedule(delayMs: number): void {
		const at = this.#now() + delayMs;
		if (this.#timer !== null && at >= this.#nextAt) return;
		this.#cancel();
		this.#nextAt = at;
		this.#timer = this.#timers.setTimeout(() => this.#fire(), delayMs);
	}

	#fire(): void {
		this.#timer = null;
		this.#nextAt = Number.POSITIVE_INFINITY;
		if (!this.#running) return;
		const started = this.#now();
		void this.sampleNow().then(() => {
			if (!this.#running) return;
			// Keep the cadence: a slow sample shortens the wait rather than drifting the schedule.
			this.#schedule(Math.max(0, this.intervalMs - (this.#now() - started)));
		});
	}

	#cancel(): void {
		if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
		this.#timer = null;
		this.#nextAt = Number.POSITIVE_INFINITY;
	}
}

function positive(value: number | undefined, fallback: number): number {
	return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Options of the system sampler. */
export type {SystemSamplerOptions} from './system-sampler.js';
/** Options of the memory budget (baseline RSS and its alert). */
export type {MemoryBudgetOptions} from './memory-budget.js';
/** Options of the post-GC heap growth detection. */
export type {HeapGrowthOptions} from './heap-growth.js';
/** What the process sampler reads from (tests pass fakes). */
export type {ProcessSources, EventLoopSource, GcEntry, GcSource, MemoryFigures} from './process-sources.js';
/** What the system sampler reads from (tests pass fakes). */
export type {SystemSource, SystemReading} from './system-source.js';
