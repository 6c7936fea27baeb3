/**
 * The monitor's option and data types: what a host passes in and gets back as plain data.
 */
import type {AlertData, CacheSummary, PluginState, PluginSummary, SeriesSummary} from '../../protocol/snapshot.js';
import type {AlertOptions} from '../alerts/engine.js';
import type {FaultListener} from '../faults/faults.js';
import type {ServerOptions} from '../ipc/server.js';
import type {PerfLogOptions} from '../logging/perf-log.js';
import type {Clock} from '../metrics/timing.js';
import type {SamplerOptions} from '../samplers/index.js';
import type {PerformanceThresholds} from '../alerts/thresholds.js';

/** Options of a PerformanceMonitor; every one is optional. */
export interface MonitorOptions {
	/** Host name shown to clients (default: the main script's file name). */
	name?: string;
	/** When false, wrap()/instrument() return the original functions and nothing is recorded. Default true. */
	enabled?: boolean;
	thresholds?: Partial<PerformanceThresholds>;
	/** Maximum number of series (default 1000). */
	seriesCap?: number;
	/** Recent window: slot length (ms, default 10 000) and slot count (default 6). */
	windowSlotMs?: number;
	windowSlots?: number;
	/** Clock for durations (ns). Tests pass a fake. */
	clock?: Clock;
	/** Wall clock (epoch ms). Tests pass a fake. */
	now?: () => number;
	/** Called once per kind of internal fault (default: a process warning). */
	onFault?: FaultListener;
	/** Called for every alert change. */
	onAlert?: (alert: AlertData) => void;
	/** Alert tuning (cooldowns, hysteresis); false disables alerts. */
	alerts?: Omit<AlertOptions, 'onAlert'> | false;
	/** Process/system sampling; false disables it. */
	samplers?: SamplerOptions | false;
	/** Serve a socket: true for the default path, a string for a path, or server options. Default: no socket. */
	socket?: boolean | string | ServerOptions;
	/** Refuse destructive commands (clear-cache, reset-metrics, heap-snapshot) from clients. */
	readonly?: boolean;
	/** Write the performance log (pino JSON lines, rotated). Default: no log. */
	log?: PerfLogOptions | false;
	/** Directory for heap snapshots requested by clients; unset: the command is refused. */
	heapSnapshotDir?: string;
}

/** What the plugin manager (or a host) reports about one plugin's load. */
export interface PluginLoadRecord {
	name: string;
	source: string | null;
	state: PluginState;
	loadMs: number | null;
	loadBytes: number | null;
	loadMemoryMode: 'gc' | 'heap-delta' | null;
	error: string | null;
}

/** Which series a wrapped function records into. */
export interface WrapOptions {
	op: string;
	plugin?: string;
	kind?: 'hook' | 'operation';
}

/** Per-call summary of everything, as plain data. */
export interface PerformanceSummary {
	at: number;
	plugins: PluginSummary[];
	series: SeriesSummary[];
	caches: CacheSummary[] | null;
	alerts: AlertData[];
}
