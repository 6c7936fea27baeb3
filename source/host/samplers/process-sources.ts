/**
 * Where the process sampler's figures come from. The defaults read the real process (memoryUsage, cpuUsage,
 * pidusage, perf_hooks); tests replace any of them with fakes.
 */
import {constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type PerformanceEntry} from 'node:perf_hooks';
import {getHeapSpaceStatistics} from 'node:v8';
import type {EventLoopStats} from '../../protocol/snapshot.js';

/** Memory figures as process.memoryUsage() gives them. */
export interface MemoryFigures {
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
}

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
	/**
	 * Major GCs only: heap used outside the young generation, read when the entry is delivered, bytes.
	 * Entries arrive batched a little after the collection; by then the host has allocated again, but
	 * fresh allocations land in the young generation, so leaving it out gives a steady post-GC figure.
	 */
	heapUsed?: number;
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
export function nativeEventLoop(resolutionMs = 50): EventLoopSource {
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

/** Heap used outside the young generation (new space and new large-object space), bytes. */
export function oldGenerationUsed(): number {
	let used = 0;
	for (const space of getHeapSpaceStatistics()) if (!space.space_name.startsWith('new_')) used += space.space_used_size;
	return used;
}

/** GC entries from a PerformanceObserver; the post-GC heap is read once per batch that holds a major GC. */
export const nativeGc: GcSource = listener => {
	const observer = new PerformanceObserver(list => {
		let heapUsed: number | undefined;
		for (const entry of list.getEntries()) {
			const code = (entry as PerformanceEntry & {detail?: {kind?: number} | null}).detail?.kind ?? -1;
			const kind = GC_KINDS.get(code) ?? `kind-${code}`;
			if (kind === 'major') heapUsed ??= oldGenerationUsed();
			listener({kind, pauseMs: entry.duration, ...(kind === 'major' ? {heapUsed} : {})});
		}
	});
	observer.observe({entryTypes: ['gc']});
	return () => observer.disconnect();
};

/** pidusage, loaded on the first sample rather than with the host library (bench row `host-import-ms`). */
let pidusageModule: ReturnType<typeof loadPidusage> | undefined;
const loadPidusage = () => import('pidusage');

/**
 * The real process. The event-loop histogram's timer wakes the process every `eventLoopResolutionMs`
 * (each wake-up costs ~50 µs of CPU here: 0.25 % of a core at 20 ms, 0.1 % at 50 ms); longer delays are
 * caught whatever the resolution, shorter ones are sampled less often.
 */
export function defaultProcessSources(options: {pidusageMaxAgeMs?: number; eventLoopResolutionMs?: number} = {}): ProcessSources {
	return {
		memoryUsage: () => process.memoryUsage(),
		cpuUsage: () => process.cpuUsage(),
		monotonicMs: () => performance.now(),
		pidusage: async () => {
			pidusageModule ??= loadPidusage();
			const {default: pidusage} = await pidusageModule;
			return (await pidusage(process.pid, {maxage: options.pidusageMaxAgeMs ?? 60_000})).cpu;
		},
		eventLoop: () => nativeEventLoop(options.eventLoopResolutionMs),
		gc: nativeGc,
		uptimeS: () => process.uptime(),
	};
}
