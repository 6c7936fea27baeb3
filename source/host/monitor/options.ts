/**
 * The monitor's option and data types: what a host passes in and gets back as plain data.
 */
import type {AlertData, CacheSummary, PluginState, PluginSummary, SeriesSummary} from '../../protocol/snapshot.js';
import type {AlertOptions} from '../alerts/engine.js';
import type {PrometheusOptions} from '../exposition/prometheus.js';
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
	/**
	 * When false the monitor costs nothing: wrap()/instrument() return the original functions, record(),
	 * time() and startTimer() record nothing, and createCache() returns a cache without stats or timers. Default true.
	 */
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
	/**
	 * Serve the series for Prometheus over HTTP while started: `true` for the defaults (127.0.0.1:9464/metrics) or
	 * {@link PrometheusOptions}. A port that cannot be bound is a fault (PERFTOP_PROMETHEUS), not an exception,
	 * unless `start({strict: true})`. Default: no endpoint.
	 */
	prometheus?: boolean | PrometheusOptions;
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

/** Which series a timed call records into (see `PerformanceMonitor.startTimer` and `time`). */
export interface TimerOptions {
	/** The plugin the call belongs to; a plugin named here is listed even before it records. */
	plugin?: string;
	/** `hook` counts as the plugin's hook time (busy time, TIME%); default `operation`. */
	kind?: 'hook' | 'operation';
}

/** Which series a wrapped function records into, and how its calls end (see `PerformanceMonitor.wrap`). */
export interface WrapOptions extends TimerOptions {
	/** The operation (for hooks: the hook name). */
	op: string;
	/**
	 * For callback-style functions: the argument index of the callback, or `'last'` (the last argument, when
	 * it is a function). A call is then timed until the callback is first invoked (an error when its first
	 * argument is not null/undefined), recorded before the callback runs; a native promise returned as well
	 * ends it if it settles first. A call without a function there is timed like a plain call.
	 */
	callback?: number | 'last';
}

/** Options of `PerformanceMonitor.record`. */
export interface RecordOptions extends TimerOptions {
	/** The call failed. */
	error?: boolean;
}

/** Options of `PerformanceMonitor.instrument`. */
export interface InstrumentOptions {
	/** Series kind of the wrapped methods (default `hook`). */
	kind?: 'hook' | 'operation';
	/** Also instrument nested plain objects, op names joined with ':' (`{build: {before}}` gives `build:before`). */
	deep?: boolean;
}

/** Options of `PerformanceMonitor.measureLoad`. */
export interface MeasureLoadOptions {
	/** Where the plugin came from (a module path, a package name), shown with its load figures. */
	source?: string;
}

/** Per-call summary of everything, as plain data. */
export interface PerformanceSummary {
	at: number;
	plugins: PluginSummary[];
	series: SeriesSummary[];
	caches: CacheSummary[] | null;
	alerts: AlertData[];
}
