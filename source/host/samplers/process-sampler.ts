/**
 * The process section: memory, CPU (pidusage, cross-checked with process.cpuUsage deltas), event-loop delay
 * and utilization, GC counts and pauses by kind, the memory budget and the post-GC heap trend.
 * sample() never throws; a failing source is a fault and its figure falls back or stays null.
 */
import type {EventLoopStats, GcStats, ProcessSection} from '../../protocol/snapshot.js';
import type {FaultKind, Faults} from '../faults/faults.js';
import {HeapGrowthDetector, type HeapGrowthOptions} from './heap-growth.js';
import {MemoryBudget, type MemoryBudgetOptions} from './memory-budget.js';
import type {EventLoopSource, GcEntry, ProcessSources} from './process-sources.js';

/** Samples the monitored process on demand; the caller decides the cadence. */
export class ProcessSampler {
	readonly budget: MemoryBudget;
	readonly heapGrowth: HeapGrowthDetector;
	readonly #sources: ProcessSources;
	readonly #faults: Faults;
	readonly #now: () => number;
	readonly #gcByKind: Record<string, {count: number; pauseMs: number}> = {};
	#heapAfterLastMajor: number | null = null;
	#eventLoop: EventLoopSource | null = null;
	#stopGc: (() => void) | null = null;
	#lastCpu: {user: number; system: number; at: number} | null = null;
	#section: ProcessSection | null = null;
	#started = false;

	constructor(sources: ProcessSources, options: {budget?: MemoryBudgetOptions; heapGrowth?: HeapGrowthOptions}, faults: Faults, now: () => number) {
		this.#sources = sources;
		this.#faults = faults;
		this.#now = now;
		this.budget = new MemoryBudget(options.budget);
		this.heapGrowth = new HeapGrowthDetector(options.heapGrowth);
	}

	/** Starts the continuous parts (event-loop histogram, GC observer). */
	start(): void {
		if (this.#started) return;
		this.#started = true;
		try {
			this.#eventLoop = this.#sources.eventLoop?.() ?? null;
		} catch (error) {
			this.#faults.report('event-loop-sampler', error);
		}
		try {
			this.#stopGc = this.#sources.gc?.(entry => this.#onGc(entry)) ?? null;
		} catch (error) {
			this.#faults.report('gc-sampler', error);
		}
	}

	stop(): void {
		this.#started = false;
		try {
			this.#eventLoop?.stop();
			this.#stopGc?.();
		} catch (error) {
			this.#faults.report('process-sampler', error);
		}
		this.#eventLoop = null;
		this.#stopGc = null;
	}

	section(): ProcessSection | null {
		return this.#section;
	}

	/** Takes one sample; never throws. */
	async sample(): Promise<void> {
		const at = this.#now();
		let memory;
		try {
			memory = this.#sources.memoryUsage();
		} catch (error) {
			this.#faults.report('process-sampler', error);
			return;
		}
		const cpuCheckPercent = this.#cpuDelta();
		const cpuPercent = await this.#pidusage(cpuCheckPercent);
		this.budget.add(at, memory.rss);
		this.#section = {
			sampledAt: at,
			uptimeS: this.#safe(() => this.#sources.uptimeS(), 0),
			rss: memory.rss,
			heapUsed: memory.heapUsed,
			heapTotal: memory.heapTotal,
			external: memory.external,
			arrayBuffers: memory.arrayBuffers,
			cpuPercent,
			cpuCheckPercent,
			eventLoop: this.#eventLoopStats(),
			gc: this.#gcStats(),
			baselineRss: this.budget.baseline,
			budgetRss: this.budget.budget,
			rssHistory: this.budget.history(),
			heapGrowth: this.#sources.gc ? this.heapGrowth.stats() : null,
		};
	}

	/** CPU percent of one core from process.cpuUsage() since the previous sample. */
	#cpuDelta(): number | null {
		try {
			const usage = this.#sources.cpuUsage();
			const at = this.#sources.monotonicMs();
			const last = this.#lastCpu;
			this.#lastCpu = {...usage, at};
			if (!last || at <= last.at) return null;
			const cpuMs = (usage.user - last.user + usage.system - last.system) / 1000;
			return Math.max(0, (cpuMs / (at - last.at)) * 100);
		} catch (error) {
			this.#faults.report('process-cpu', error);
			return null;
		}
	}

	/**
	 * pidusage's figure (what `top` would show) when it agrees with the process.cpuUsage() delta; the delta
	 * when pidusage fails, is off, or disagrees by more than 10 points and 25 % (pidusage's tick-based
	 * figure is coarse over short intervals and reports 0 when two calls are too close together).
	 */
	async #pidusage(check: number | null): Promise<number | null> {
		const read = this.#sources.pidusage;
		if (!read) return check;
		try {
			const cpu = await read();
			if (!Number.isFinite(cpu) || cpu < 0) throw new Error(`pidusage returned ${String(cpu)}`);
			if (check === null) return cpu;
			return Math.abs(cpu - check) > Math.max(10, check * 0.25) ? check : cpu;
		} catch (error) {
			this.#faults.report('pidusage', error);
			return check;
		}
	}

	#eventLoopStats(): EventLoopStats | null {
		const source = this.#eventLoop;
		return source ? this.#safe(() => source.sample(), null, 'event-loop-sampler') : null;
	}

	#gcStats(): GcStats | null {
		if (!this.#sources.gc) return null;
		const byKind: GcStats['byKind'] = {};
		for (const [kind, stats] of Object.entries(this.#gcByKind)) byKind[kind] = {...stats};
		return {byKind, heapAfterLastMajor: this.#heapAfterLastMajor};
	}

	#onGc(entry: GcEntry): void {
		try {
			const stats = (this.#gcByKind[entry.kind] ??= {count: 0, pauseMs: 0});
			stats.count++;
			stats.pauseMs += entry.pauseMs;
			if (entry.kind === 'major' && entry.heapUsed !== undefined) {
				this.#heapAfterLastMajor = entry.heapUsed;
				this.heapGrowth.addMajor(this.#now(), entry.heapUsed);
			}
		} catch (error) {
			this.#faults.report('gc-sampler', error);
		}
	}

	#safe<T>(fn: () => T, fallback: T, kind: FaultKind = 'process-sampler'): T {
		try {
			return fn();
		} catch (error) {
			this.#faults.report(kind, error);
			return fallback;
		}
	}
}
