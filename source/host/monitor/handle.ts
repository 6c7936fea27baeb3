/**
 * What the socket server and the perf log need from a monitor. PerformanceMonitor implements it; tests can
 * pass a fake.
 */
import type {ClearCacheResult, HeapSnapshotResult, ResetMetricsResult} from '../../protocol/messages.js';
import type {CacheSummary, HostInfo, MetricsExport, SeriesExport, Snapshot} from '../../protocol/snapshot.js';
import type {HostEvents} from './events.js';
import type {Faults} from '../faults/faults.js';

/** What the socket server and the perf log use of a monitor (see the file comment); {@link PerformanceMonitor} implements it. */
export interface MonitorHandle {
	readonly host: HostInfo;
	readonly events: HostEvents;
	readonly faults: Faults;
	/** Destructive commands are refused. */
	readonly readonly: boolean;
	/** Heap snapshots may be written on request. */
	readonly heapSnapshots: boolean;
	snapshot(): Snapshot;
	exportData(): MetricsExport;
	/** Every series with its histogram. */
	seriesExports(): SeriesExport[];
	cacheSummaries(): CacheSummary[] | null;
	/** Clears one cache or all; throws ProtocolError(E_NOT_FOUND) for an unknown name. */
	clearCache(name?: string): ClearCacheResult;
	resetMetrics(): ResetMetricsResult;
	/** Throws ProtocolError(E_DISABLED) unless enabled by the host. */
	heapSnapshot(): Promise<HeapSnapshotResult>;
	/** Tells samplers how many clients are attached (fast sampling only while watched). */
	setWatchers(clients: number): void;
}
