/**
 * Where the process sampler's figures come from. The defaults read the real process (memoryUsage, cpuUsage,
 * pidusage, perf_hooks); tests replace any of them with fakes.
 */
import {constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type PerformanceEntry} from 'node:perf_hooks';
import {getHeapStatistics} from 'node:v8';
import pidusage from 'pidusage';
import type {EventLoopStats} from '../../protocol/snapshot.js';

/** Memory figures as process.memoryUsage() gives them. */
export type MemoryFigures = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers'>;

/** Event-loop delay and utilization since the previous sample. */
export interface EventLoopSource {
	sample(): EventLoopStats | null;
	stop(): void;
}

/** One finished garbage collection. */
export interface GcEntry {
	/** minor, major, incremental, weakcb (or `kind-<n>` for kinds this Node does not name). */
	kind: string;
	pauseMs: number;
	/** Heap used right after the collection (as close as JavaScript can observe it), bytes. */
	heapUsed: number;
}

/** Reports garbage collections as they finish; returns its stop. */
export type GcSource = (listener: (entry: GcEntry) => void) => () => void;

/** Everything the process sampler reads. */
export interface ProcessSources {
	memoryUsage(): MemoryFigures;
	/** Cumulative CPU time of this process, µs. */
	cpuUsage(): {user: number; system: number};
	/** Monotonic time, ms (for CPU deltas). */
	monotonicMs(): number;
	/** CPU percent of one core as pidusage measures it; null disables the cross-check. */
	pidusage: (() => Promise<number>) | null;
	/** Created on start; null disables event-loop figures. */
	eventLoop: (() => EventLoopSource) | null;
	/** null disables GC figures and heap-growth detection. */
	gc: GcSource | null;
	uptimeS(): number;
}

/**
 * Event-loop delay from perf_hooks' native histogram and utilization from performance.eventLoopUtilization.
 * The histogram records the time between its timer's wake-ups, so the resolution itself is subtracted.
 */
export function nativeEventLoop(resolutionMs = 20): EventLoopSource {
	const histogram = monitorEventLoopDelay({resolution: resolutionMs});
	histogram.enable();
	let last: EventLoopUtilization = performance.eventLoopUtilization();
	return {
		sample() {
			const current = performance.eventLoopUtilization();
			const utilization = performance.eventLoopUtilization(current, last).utilization;
			last = current;
			if (histogram.count === 0) return {p50Ms: 0, p99Ms: 0, maxMs: 0, utilization};
			const delay = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
			const stats = {p50Ms: delay(histogram.percentile(50)), p99Ms: delay(histogram.percentile(99)), maxMs: delay(histogram.max), utilization};
			histogram.reset();
			return stats;
		},
		stop() {
			histogram.disable();
		},
	};
}

const GC_KINDS = new Map<number, string>([
	[constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
	[constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
	[constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
	[constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/** GC entries from a PerformanceObserver; heap used is read when the (batched) entries arrive. */
export const nativeGc: GcSource = listener => {
	const observer = new PerformanceObserver(list => {
		const heapUsed = getHeapStatistics().used_heap_size;
		for (const entry of list.getEntries()) {
			const kind = (entry as PerformanceEntry & {detail?: {kind?: number} | null}).detail?.kind ?? -1;
			listener({kind: GC_KINDS.get(kind) ?? `kind-${kind}`, pauseMs: entry.duration, heapUsed});
		}
	});
	observer.observe({entryTypes: ['gc']});
	return () => observer.disconnect();
};

/** The real process. */
export function defaultProcessSources(options: {pidusageMaxAgeMs?: number} = {}): ProcessSources {
	return {
		memoryUsage: () => process.memoryUsage(),
		cpuUsage: () => process.cpuUsage(),
		monotonicMs: () => performance.now(),
		pidusage: async () => (await pidusage(process.pid, {maxage: options.pidusageMaxAgeMs ?? 60_000})).cpu,
		eventLoop: () => nativeEventLoop(),
		gc: nativeGc,
		uptimeS: () => process.uptime(),
	};
}
