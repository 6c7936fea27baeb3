/**
 * A fake MonitorHandle for socket-server tests: plain data, counters of what the server asked for, and knobs
 * (a padding size to make snapshots big, a failure to throw).
 */
import {HostEvents} from '../../../source/host/monitor/events.js';
import {Faults} from '../../../source/host/faults/faults.js';
import type {MonitorHandle} from '../../../source/host/monitor/handle.js';
import {ErrorCode, ProtocolError} from '../../../source/protocol/errors.js';
import type {ClearCacheResult, HeapSnapshotResult, ResetMetricsResult} from '../../../source/protocol/messages.js';
import type {CacheSummary, HostInfo, MetricsExport, SeriesExport, SeriesSummary, Snapshot} from '../../../source/protocol/snapshot.js';

export interface FakeMonitor extends MonitorHandle {
	/** Calls of snapshot() so far. */
	snapshotCalls: number;
	/** Every setWatchers() argument, in order. */
	watchers: number[];
	/** Faults reported, by kind. */
	faultLog: Array<[string, unknown]>;
	/** Caches and their entry counts. */
	caches: Map<string, number>;
	resets: number;
	/** Number of extra series in each snapshot (each ~300 bytes of JSON). */
	bigSeries: number;
	/** When set, snapshot() and exportData() throw it. */
	failWith: Error | null;
}

const host: HostInfo = {name: 'fake-host', pid: 4242, hostname: 'test', node: process.version, platform: 'linux-x64', startedAt: 1_700_000_000_000, perftop: '0.1.0'};

function series(index: number): SeriesSummary {
	const stats = {count: index, errors: 0, totalMs: index, minMs: 0.1, maxMs: 2, meanMs: 1, p50Ms: 1, p95Ms: 1.5, p99Ms: 1.9};
	return {...stats, op: `operation-number-${index}`, plugin: null, kind: 'operation', slow: 0, recent: {...stats, windowMs: 60_000, rate: 1, errorRate: 0}};
}

export function fakeMonitor(options: {readonly?: boolean; heapSnapshots?: boolean} = {}): FakeMonitor {
	const faultLog: Array<[string, unknown]> = [];
	const faults = new Faults(() => {});
	const count = faults.report.bind(faults);
	faults.report = (kind, error) => {
		faultLog.push([kind, error]);
		count(kind, error);
	};
	const fake: FakeMonitor = {
		host,
		events: new HostEvents(faults),
		faults,
		readonly: options.readonly ?? false,
		heapSnapshots: options.heapSnapshots ?? false,
		snapshotCalls: 0,
		watchers: [],
		faultLog,
		caches: new Map([
			['users', 3],
			['sessions', 5],
		]),
		resets: 0,
		bigSeries: 0,
		failWith: null,
		snapshot(): Snapshot {
			if (fake.failWith) throw fake.failWith;
			fake.snapshotCalls++;
			return {
				seq: fake.snapshotCalls,
				at: Date.now(),
				host,
				monitor: {series: 1, seriesCap: 1000, overflowed: false, faults: faults.count, bytes: 0, clients: 0, readonly: fake.readonly, resetAt: null},
				process: null,
				system: null,
				plugins: [],
				series: Array.from({length: 1 + fake.bigSeries}, (_, index) => series(index)),
				caches: fake.cacheSummaries(),
				alerts: [],
			};
		},
		exportData(): MetricsExport {
			return {format: 'perftop-export', version: 1, exportedAt: Date.now(), snapshot: fake.snapshot(), series: fake.seriesExports()};
		},
		seriesExports(): SeriesExport[] {
			return [{...series(1), histogram: {scheme: 'loglin-ns-32', buckets: [[10, 1]]}, sumNs: 10}];
		},
		cacheSummaries(): CacheSummary[] | null {
			return null;
		},
		clearCache(name?: string): ClearCacheResult {
			if (name !== undefined && !fake.caches.has(name)) throw new ProtocolError(ErrorCode.notFound, `no cache named '${name}'`);
			const names = name === undefined ? [...fake.caches.keys()] : [name];
			const cleared = names.map(cache => ({name: cache, entries: fake.caches.get(cache)!}));
			for (const cache of names) fake.caches.set(cache, 0);
			return {cleared};
		},
		resetMetrics(): ResetMetricsResult {
			fake.resets++;
			return {at: Date.now(), series: 1};
		},
		async heapSnapshot(): Promise<HeapSnapshotResult> {
			if (!fake.heapSnapshots) throw new ProtocolError(ErrorCode.disabled, 'heap snapshots are disabled on this host');
			return {path: '/tmp/x.heapsnapshot', bytes: 1};
		},
		setWatchers(clients: number): void {
			fake.watchers.push(clients);
		},
	};
	return fake;
}
