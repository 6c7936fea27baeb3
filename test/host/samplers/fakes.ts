/**
 * Fakes for sampler tests: a clock, timers that fire on demand, and process sources whose figures the
 * test sets.
 */
import type {SamplerTimers} from '../../../source/host/samplers/index.js';
import type {EventLoopStats} from '../../../source/protocol/snapshot.js';
import type {GcEntry, ProcessSources} from '../../../source/host/samplers/process-sources.js';
import {Faults} from '../../../source/host/faults/faults.js';

export class FakeClock {
	constructor(public at = 1_700_000_000_000) {}
	readonly now = (): number => this.at;
	advance(ms: number): void {
		this.at += ms;
	}
}

/** Timers that only fire when the test says so. */
export class FakeTimers implements SamplerTimers {
	pending: Array<{id: number; callback: () => void; ms: number}> = [];
	#id = 0;
	setTimeout(callback: () => void, ms: number): unknown {
		const id = ++this.#id;
		this.pending.push({id, callback, ms});
		return id;
	}
	clearTimeout(handle: unknown): void {
		this.pending = this.pending.filter(timer => timer.id !== handle);
	}
	/** Delays of the pending timers. */
	delays(): number[] {
		return this.pending.map(timer => timer.ms);
	}
	/** Fires the earliest pending timer. */
	fireNext(): void {
		const timer = this.pending.sort((a, b) => a.ms - b.ms).shift();
		assertDefined(timer, 'no timer pending');
		timer.callback();
	}
}

function assertDefined<T>(value: T | undefined, message: string): asserts value is T {
	if (value === undefined) throw new Error(message);
}

/** A process whose figures the test controls. */
export class FakeProcess {
	rss = 100 * 1048576;
	heapUsed = 40 * 1048576;
	cpuUs = 0;
	monotonic = 0;
	pidCpu: number | Error = 5;
	eventLoop: EventLoopStats = {p50Ms: 1, p99Ms: 2, maxMs: 3, utilization: 0.1};
	#gcListener: ((entry: GcEntry) => void) | null = null;

	sources(): ProcessSources {
		return {
			memoryUsage: () => ({rss: this.rss, heapUsed: this.heapUsed, heapTotal: this.heapUsed * 2, external: 1000, arrayBuffers: 500}),
			cpuUsage: () => ({user: this.cpuUs, system: 0}),
			monotonicMs: () => this.monotonic,
			pidusage: async () => {
				if (this.pidCpu instanceof Error) throw this.pidCpu;
				return this.pidCpu;
			},
			eventLoop: () => ({sample: () => ({...this.eventLoop}), stop: () => {}}),
			gc: listener => {
				this.#gcListener = listener;
				return () => {
					this.#gcListener = null;
				};
			},
			uptimeS: () => 42,
		};
	}

	/** Reports one GC to the sampler. */
	gc(kind: string, heapUsed: number, pauseMs = 1): void {
		this.heapUsed = heapUsed;
		this.#gcListener?.({kind, pauseMs, heapUsed});
	}

	/** Spends `cpuMs` of CPU over `wallMs` of monotonic time. */
	spend(cpuMs: number, wallMs: number): void {
		this.cpuUs += cpuMs * 1000;
		this.monotonic += wallMs;
	}
}

/** Faults that remember what was reported. */
export function recordingFaults(): {faults: Faults; reported: Array<{kind: string; error: unknown}>} {
	const reported: Array<{kind: string; error: unknown}> = [];
	return {faults: new Faults((kind, error) => reported.push({kind, error})), reported};
}

export const MB = 1048576;
