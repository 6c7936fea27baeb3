/**
 * Snapshot schema (protocol v1). Everything here is plain JSON data. Durations are milliseconds (float),
 * memory is bytes, times are epoch milliseconds, ratios are 0..1. `null` means "not measured (yet)";
 * a section that is not available at all is `null` too, so a client can say so instead of showing zeros.
 */
import type {HistogramData} from './histogram.js';

/** Who is being monitored. */
export interface HostInfo {
	/** The host application's name (monitor option `name`, default: the main script's name). */
	name: string;
	pid: number;
	hostname: string;
	node: string;
	platform: string;
	/** Process start time, epoch ms. */
	startedAt: number;
	/** perftop version embedded in the host. */
	perftop: string;
}

/** Latency statistics of a set of calls. */
export interface LatencyStats {
	count: number;
	errors: number;
	totalMs: number;
	minMs: number | null;
	maxMs: number | null;
	meanMs: number | null;
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
}

/** Statistics of the recent window (the last `windowMs`, from the ring of slots). */
export interface WindowStats extends LatencyStats {
	windowMs: number;
	/** Calls per second over the window. */
	rate: number;
	/** Errors per second over the window. */
	errorRate: number;
}

/** One series: an operation (for hooks: the hook name), optionally attributed to a plugin. */
export interface SeriesSummary extends LatencyStats {
	op: string;
	plugin: string | null;
	/** `hook` for plugin-manager hooks, `operation` for time()/wrap()/instrument(). */
	kind: 'hook' | 'operation';
	recent: WindowStats;
	/** Calls slower than the response-time threshold since start/reset. */
	slow: number;
	/**
	 * Calls that completed asynchronously (returned a promise, or finished through a callback) since start/reset.
	 * Absent when there were none (and from hosts older than this field).
	 */
	asyncCount?: number;
	/**
	 * Synchronous self time of those calls, ms in total: the time each spent running before it returned (what it
	 * blocked the event loop for), as opposed to its latency to settlement. Measured on a sample of the calls
	 * (every 8th) and scaled to all of them. Present with `asyncCount`.
	 */
	selfMs?: number;
}

/** A series with its full histogram, for exports and exact merging. */
export interface SeriesExport extends SeriesSummary {
	histogram: HistogramData;
	sumNs: number;
}

/** Where a plugin is in its life: being loaded, loaded, failed to load, or unloaded. */
export type PluginState = 'loading' | 'loaded' | 'failed' | 'unloaded';

/** One plugin: its load cost and the aggregate of its series. */
export interface PluginSummary {
	name: string;
	state: PluginState;
	/** Where it came from: module path, package name or `object`. */
	source: string | null;
	/** Self time of loading (import + setup), ms. */
	loadMs: number | null;
	/** Heap growth caused by loading, bytes (may be negative). */
	loadBytes: number | null;
	/** `gc`: measured between forced GCs (accurate); `heap-delta`: raw heapUsed difference. */
	loadMemoryMode: 'gc' | 'heap-delta' | null;
	/** Why it failed, when state is `failed`. */
	error: string | null;
	/** All its series merged. */
	calls: LatencyStats;
	recent: WindowStats;
	/**
	 * This plugin's share of the time spent in all plugins' hooks (0..1), from busy time when the host reports
	 * it (`busyMs`), else from the sum of call durations (older hosts).
	 */
	hookShare: number;
	/**
	 * Busy time of the plugin's hooks since start/reset, ms: wall time during which at least one of its hook
	 * calls was in flight (the union of their intervals), so overlapping calls count once. Absent from older hosts.
	 */
	busyMs?: number;
	/** Its series, one per hook/operation. */
	hooks: SeriesSummary[];
}

/** Event-loop delay percentiles over the last sample interval (ms), and event-loop utilization. */
export interface EventLoopStats {
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
	/** Event-loop utilization over the last sample interval, 0..1. */
	utilization: number;
}

/** Garbage collection since start: pauses by kind, and the heap left after the last major collection. */
export interface GcStats {
	/** Counts and total pause by kind since start (kinds: minor, major, incremental, weakcb). */
	byKind: Record<string, {count: number; pauseMs: number}>;
	/** Old-generation heap used after the last major GC, bytes. */
	heapAfterLastMajor: number | null;
}

/** Post-major-GC heap trend: the current run of rising major GCs (see the heap-growth alert). */
export interface HeapGrowthStats {
	/** The run is long, steady and large enough to count as growth. */
	growing: boolean;
	/** Major GCs in the run that left more heap than any before them. */
	rises: number;
	/** When the run started (epoch ms), null before the first major GC. */
	sinceAt: number | null;
	/** Heap used after the run's first major GC, bytes. */
	fromBytes: number | null;
	/** Highest heap used after a major GC in the run, bytes. */
	toBytes: number | null;
}

/** The monitored process. */
export interface ProcessSection {
	sampledAt: number;
	uptimeS: number;
	rss: number;
	heapUsed: number;
	heapTotal: number;
	external: number;
	arrayBuffers: number;
	/** CPU use of the process, percent of one core (may exceed 100 on several cores). */
	cpuPercent: number | null;
	eventLoop: EventLoopStats | null;
	gc: GcStats | null;
	/** Baseline RSS taken after warm-up; null while warming up. */
	baselineRss: number | null;
	/** Budget RSS = baseline x (1 + memoryIncrease). */
	budgetRss: number | null;
	/** Recent RSS samples (oldest first), for sparklines. */
	rssHistory: number[];
	/** CPU percent from process.cpuUsage() deltas, the cross-check of cpuPercent (pidusage). */
	cpuCheckPercent?: number | null;
	/** Post-major-GC heap trend; null when GC observation is off. */
	heapGrowth?: HeapGrowthStats | null;
}

/** One mounted file system: mount point, type, size and used bytes. */
export interface DiskStats {
	mount: string;
	fs: string;
	size: number;
	used: number;
}

/** The machine the host runs on. */
export interface SystemSection {
	sampledAt: number;
	cpu: {totalPercent: number; coresPercent: number[]} | null;
	memory: {total: number; used: number; available: number} | null;
	swap: {total: number; used: number} | null;
	load: [number, number, number] | null;
	disks: DiskStats[] | null;
	/** Container memory limit (cgroup), when one is set. */
	cgroup: {limit: number; usage: number | null} | null;
}

/** One monitored cache: size and limits, hits and misses (stale hits apart), sets, evictions, expirations, fetches, and the lifetime and recent hit ratios. */
export interface CacheSummary {
	name: string;
	size: number;
	max: number | null;
	calculatedSize: number | null;
	maxSize: number | null;
	ttlMs: number | null;
	hits: number;
	misses: number;
	staleHits: number;
	sets: number;
	evictions: number;
	expirations: number;
	deletes: number;
	fetches: number;
	fetchErrors: number;
	inflightDedups: number;
	/** hits / (hits + misses) since the cache was created (or its stats were reset); null before any lookup. */
	hitRatio: number | null;
	/** Same over the recent window. */
	recentHitRatio: number | null;
	meanFetchMs: number | null;
	/** Length of the recent window behind recentHitRatio, ms. */
	windowMs?: number;
	/** The kinds of stores counted in `sets`: new key, same value again, different value. */
	adds?: number;
	updates?: number;
	replaces?: number;
	/** Stores refused because the entry was larger than maxSize. */
	rejectedSets?: number;
	/** Keys with a load in flight now. */
	loading?: number;
	/** Distinct tags in use (for invalidation by tag). */
	tags?: number;
}

/** An alert is active until its condition clears (with hysteresis), then resolved. */
export type AlertState = 'active' | 'resolved';

/** One alert raised by a threshold rule, as clients and the log see it. */
export interface AlertData {
	/** Stable per (rule, subject). */
	id: string;
	rule: string;
	/** What it is about: a plugin name, a series key, `process`, `system`. */
	subject: string;
	message: string;
	value: number;
	threshold: number;
	/** When it became active, epoch ms. */
	since: number;
	state: AlertState;
	resolvedAt: number | null;
}

/** The monitor's own health. */
export interface MonitorSection {
	series: number;
	seriesCap: number;
	/** Calls folded into the overflow series because the cap was reached. */
	overflowed: boolean;
	/** Internal faults counted (each kind reported once). */
	faults: number;
	/** Approximate bytes held by the metrics engine. */
	bytes: number;
	clients: number;
	readonly: boolean;
	/** Epoch ms of the last metrics reset, or null. */
	resetAt: number | null;
}

/** What a snapshot carries. */
export interface Snapshot {
	/** Increases by one per snapshot produced by this host. */
	seq: number;
	at: number;
	host: HostInfo;
	monitor: MonitorSection;
	process: ProcessSection | null;
	system: SystemSection | null;
	plugins: PluginSummary[];
	/** Series not attributed to any plugin. */
	series: SeriesSummary[];
	/** null when the host uses no perftop cache support at all. */
	caches: CacheSummary[] | null;
	/** Active alerts. */
	alerts: AlertData[];
}

/** Full metrics as data (the `export` command and monitor.exportMetrics). */
export interface MetricsExport {
	format: 'perftop-export';
	version: 1;
	exportedAt: number;
	snapshot: Snapshot;
	series: SeriesExport[];
}
