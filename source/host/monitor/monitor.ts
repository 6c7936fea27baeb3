/**
 * PerformanceMonitor: the host library's entry point. Owns the series registry, plugin load records,
 * caches, samplers, alerts, the perf log and the socket server, and builds snapshots from them.
 */
import {existsSync, writeFileSync, mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import type {ClearCacheResult, HeapSnapshotResult, ResetMetricsResult} from '../../protocol/messages.js';
import type {CacheSummary, HostInfo, MetricsExport, PluginSummary, SeriesExport, SeriesSummary, Snapshot} from '../../protocol/snapshot.js';
import {AlertEngine} from '../alerts/engine.js';
import {CacheRegistry, PerformanceCache, type CacheOptions} from '../cache/registry.js';
import {HostEvents} from './events.js';
import {currentHostInfo} from './host-info.js';
import {Faults, type FaultKind} from '../faults/faults.js';
import {alertRuleNames, PrometheusExporter} from '../exposition/prometheus.js';
import {renderExposition, resolveExposition, type ExpositionFormat, type ExpositionInput} from '../../protocol/exposition.js';
import type {MonitorHandle} from './handle.js';
import {serve, type IpcServer, type ServerOptions} from '../ipc/server.js';
import {startPerfLog, type PerfLog} from '../logging/perf-log.js';
import {instrumentObject} from '../metrics/instrument.js';
import {SeriesRegistry} from '../metrics/registry.js';
import type {Series} from '../metrics/series.js';
import {PluginRollup} from './plugin-rollup.js';
import {writeHostHeapSnapshot} from './heap-snapshot.js';
import {guardClock, hrClock, noopEnd, recordMeasured, startTimer, timeCall, timed, timingOf, type AnyFunction, type Clock} from '../metrics/timing.js';
import {runMeasured} from '../plugins/measure.js';
import {Samplers} from '../samplers/index.js';
import {resolveThresholds, type PerformanceThresholds} from '../alerts/thresholds.js';
import type {InstrumentOptions, MeasureLoadOptions, MonitorOptions, PerformanceSummary, PluginLoadRecord, RecordOptions, TimerOptions, WrapOptions} from './options.js';

export type {InstrumentOptions, MeasureLoadOptions, MonitorOptions, PluginLoadRecord, RecordOptions, TimerOptions, WrapOptions, PerformanceSummary} from './options.js';

/**
 * The monitor a host embeds. Timing: time(), wrap(), monitorOperation(), instrument(). Data: getPerformanceSummary(),
 * getPluginPerformance(), snapshot(), exportMetrics(). Nothing it does on a host call can throw into the host:
 * internal failures are counted in `faults` and reported once per kind.
 */
export class PerformanceMonitor implements MonitorHandle {
	readonly host: HostInfo;
	readonly faults: Faults;
	readonly events: HostEvents;
	readonly registry: SeriesRegistry;
	readonly cacheRegistry: CacheRegistry;
	readonly samplers: Samplers | null;
	readonly alerts: AlertEngine | null;
	readonly readonly: boolean;
	readonly heapSnapshots: boolean;
	/** Thresholds in force (a copy of the defaults merged with the options). */
	readonly performanceThresholds: PerformanceThresholds;
	/** The socket server, once started. */
	server: IpcServer | null = null;
	/** The Prometheus endpoint (option `prometheus`; its `url` once started), or null when not configured. */
	readonly prometheus: PrometheusExporter | null;

	#enabled: boolean;
	readonly #clock: Clock;
	readonly #now: () => number;
	readonly #options: MonitorOptions;
	readonly #plugins = new Map<string, PluginLoadRecord>();
	#perfLog: PerfLog | null = null;
	#seq = 0;
	#resetAt: number | null = null;
	#started = false;
	#stopSampleListener: (() => void) | null = null;
	readonly #rollup: PluginRollup;
	/** Wrappers made by wrap(), by wrapped function and options, so equal wraps give the same wrapper. */
	readonly #wrappers = new WeakMap<AnyFunction, Map<string, AnyFunction>>();

	constructor(options: MonitorOptions = {}) {
		this.#options = options;
		this.#enabled = options.enabled ?? true;
		this.#now = options.now ?? Date.now;
		this.performanceThresholds = resolveThresholds(options.thresholds);
		this.faults = new Faults(options.onFault);
		this.#clock = guardClock(options.clock ?? hrClock, this.faults);
		this.events = new HostEvents(this.faults);
		this.readonly = options.readonly ?? false;
		this.heapSnapshots = options.heapSnapshotDir !== undefined;
		this.registry = new SeriesRegistry(this.faults, {
			cap: options.seriesCap,
			slotMs: options.windowSlotMs,
			slots: options.windowSlots,
			now: this.#now,
			clock: this.#clock,
		});
		this.#rollup = new PluginRollup(this.registry);
		this.registry.setSlow(this.performanceThresholds.responseTime, (series, ns) => {
			this.events.emit({kind: 'call.slow', op: series.op, plugin: series.plugin, ms: ns / 1e6, at: this.#now()});
		});
		this.cacheRegistry = new CacheRegistry(this.faults, this.events, {slotMs: options.windowSlotMs, slots: options.windowSlots});
		this.samplers =
			options.samplers === false
				? null
				: new Samplers(
						{
							now: this.#now,
							...options.samplers,
							budget: {memoryIncrease: this.performanceThresholds.memoryIncrease, ...options.samplers?.budget},
						},
						this.faults,
					);
		this.alerts =
			options.alerts === false
				? null
				: new AlertEngine(this.performanceThresholds, {...(options.alerts ?? {}), onAlert: options.onAlert}, this.events, this.faults);
		this.host = currentHostInfo(options.name);
		this.prometheus = options.prometheus ? new PrometheusExporter(() => this.#expositionInput(), options.prometheus === true ? {} : options.prometheus, this.faults) : null;
	}

	// ---- lifecycle ----

	/**
	 * Starts the background parts: window rotation, samplers, alerts, and (when configured) the perf log and
	 * the socket. Never throws for a monitoring failure: a socket that cannot be served is reported as a fault
	 * unless `strict` is true.
	 */
	async start({strict = false}: {strict?: boolean} = {}): Promise<this> {
		if (this.#started) return this;
		this.#started = true;
		this.registry.start();
		if (this.samplers) {
			this.samplers.start();
			this.#stopSampleListener = this.samplers.onSample(() => this.evaluateAlerts());
		}
		if (this.#options.log) {
			try {
				this.#perfLog = startPerfLog(this, this.#options.log);
			} catch (error) {
				this.faults.report('perf-log', error);
			}
		}
		const socket = this.#options.socket;
		if (socket) {
			const serverOptions: ServerOptions = typeof socket === 'string' ? {path: socket} : socket === true ? {} : socket;
			try {
				await this.listen(serverOptions);
			} catch (error) {
				if (strict) throw error;
				this.faults.report('socket', error);
			}
		}
		if (this.prometheus) {
			try {
				await this.prometheus.listen();
			} catch (error) {
				if (strict) throw error;
				this.faults.report('prometheus', error);
			}
		}
		return this;
	}

	/** Serves the socket (see ServerOptions). Throws when the path is taken by a live host or is not a socket. */
	async listen(options: ServerOptions = {}): Promise<IpcServer> {
		if (this.server) return this.server;
		this.server = await serve(this, options);
		return this.server;
	}

	/** Stops everything started by start()/listen(); flushes the perf log and removes the socket. */
	async stop(): Promise<void> {
		this.#started = false;
		this.registry.stop();
		this.cacheRegistry.stop();
		this.#stopSampleListener?.();
		this.#stopSampleListener = null;
		const closing: Array<Promise<void>> = [];
		if (this.samplers) closing.push(this.samplers.stop());
		if (this.server) closing.push(this.server.close());
		if (this.#perfLog) closing.push(this.#perfLog.close());
		if (this.prometheus) closing.push(this.prometheus.close());
		this.server = null;
		this.#perfLog = null;
		const results = await Promise.allSettled(closing);
		for (const result of results) if (result.status === 'rejected') this.faults.report('stop', result.reason);
	}

	/**
	 * Whether the monitor records: checked when something is wrapped, instrumented or started, never on a
	 * wrapped function's calls (see {@link PerformanceMonitor.disable}).
	 */
	get enabled(): boolean {
		return this.#enabled;
	}

	/**
	 * Turns recording back on for what is wrapped, instrumented or started from now on (wrap, instrument,
	 * startTimer, time, record, measureLoad, adapters and plugin managers attached from now on). Functions
	 * wrapped while disabled stay the plain functions they were handed back as.
	 */
	enable(): void {
		this.#enabled = true;
	}

	/**
	 * From now on wrap() and instrument() hand back the original functions, startTimer() returns an end that
	 * does nothing, and record(), time() and measureLoad() record nothing; adapters and plugin managers
	 * attached from now on wrap nothing. Wrappers made before (by wrap, instrument, an adapter or an attached
	 * plugin manager) keep recording: their calls do not check the flag, which keeps the hot path clock, call,
	 * clock, record. To stop those, undo what made them (the undo of instrument or of an adapter, a manager's
	 * detach), or create the monitor with `enabled: false`, which records nothing at all.
	 */
	disable(): void {
		this.#enabled = false;
	}

	// ---- timing ----

	/**
	 * The series for (op, plugin); created on first use with `kind`. A series keeps the kind it was created
	 * with: asking for an existing (op, plugin) with another kind returns it unchanged (see {@link TimerOptions.kind}).
	 */
	series(op: string, plugin?: string | null, kind: 'hook' | 'operation' = 'operation'): Series {
		return this.registry.get(op, plugin ?? null, kind);
	}

	/**
	 * Wraps `fn` so each call is timed into the (op, plugin) series (see {@link WrapOptions}): sync calls to
	 * their return, native promises to settlement, callback-style functions (`callback`) until the callback
	 * is first invoked. The wrapper keeps `fn`'s own properties and symbols, `name`, `length` and prototype
	 * (so the wrapper of an `async function` is an AsyncFunction too). Wrapping the same function (or its
	 * wrapper) again with equal options gives the same wrapper, so removal by identity keeps working;
	 * {@link PerformanceMonitor.unwrap} gives the original back. Returns `fn` itself when disabled. The series
	 * keeps the kind it was created with: the first of wrap, startTimer, time, record or instrument to use an
	 * (op, plugin) pair decides whether it is `hook` or `operation`; a later call asking for the other kind
	 * records into that series unchanged.
	 */
	wrap<F extends AnyFunction>(fn: F, options: WrapOptions): F {
		if (typeof fn !== 'function') throw new TypeError(`perftop: wrap() needs a function for '${options?.op}', got ${typeof fn}`);
		if (!this.#enabled) return fn;
		const callback = options.callback;
		if (callback !== undefined && callback !== 'last' && !(Number.isInteger(callback) && callback >= 0)) throw new TypeError(`perftop: wrap() option callback must be an argument index or 'last', got ${String(callback)}`);
		const kind = options.kind ?? 'operation';
		const key = `${options.op}\u0000${options.plugin ?? ''}\u0000${options.plugin === undefined ? 0 : 1}${kind}\u0000${callback ?? ''}`;
		const parts = timingOf(fn);
		// Already this monitor's wrapper with these options: itself.
		if (parts !== undefined && this.#wrappers.get(parts.fn)?.get(key) === fn) return fn;
		let made = this.#wrappers.get(fn);
		const found = made?.get(key);
		if (found !== undefined) return found as F;
		if (options.plugin !== undefined) this.#ensurePlugin(options.plugin);
		const wrapper = timed(fn, this.series(options.op, options.plugin, kind), this.#clock, this.faults, {callback});
		if (!made) this.#wrappers.set(fn, (made = new Map()));
		made.set(key, wrapper);
		return wrapper;
	}

	/** The function a wrapper made by {@link PerformanceMonitor.wrap} (or instrument) wraps; any other function itself. */
	unwrap<F extends AnyFunction>(fn: F): F {
		return (timingOf(fn)?.fn ?? fn) as F;
	}

	/**
	 * Starts timing one call of `op` now and returns its end: `end()` records a success, `end(error)` with
	 * anything other than undefined or null records an error. Only the first call of `end` records. A
	 * disabled monitor returns a shared end that does nothing. A call whose end never comes keeps its plugin busy
	 * (busy time and TIME% count it as in flight until it ends): end every timer, on errors and abandoned calls
	 * too. `kind` applies when the series is created; an existing (op, plugin) series keeps its kind (see
	 * {@link PerformanceMonitor.wrap}).
	 */
	startTimer(op: string, options: TimerOptions = {}): (error?: unknown) => void {
		if (!this.#enabled) return noopEnd;
		return startTimer(this.#seriesFor(op, options), this.#clock, this.faults);
	}

	/** The series of a per-call API (startTimer, record): found with two map lookups once it exists. */
	#seriesFor(op: string, options: TimerOptions): Series {
		const plugin = options.plugin ?? null;
		const found = this.registry.find(op, plugin);
		if (found !== undefined) return found;
		if (plugin !== null) this.#ensurePlugin(plugin);
		return this.registry.get(op, plugin, options.kind);
	}

	/** Times one call of `fn` (sync or async) into the (op, plugin) series and returns its result. Disabled: just calls `fn`. */
	time<T>(op: string, fn: () => T, options: TimerOptions = {}): T {
		if (!this.#enabled) return fn();
		if (options.plugin !== undefined) this.#ensurePlugin(options.plugin);
		return timeCall(fn, this.series(op, options.plugin, options.kind), this.#clock, this.faults);
	}

	/** Returns a wrapper factory for one operation: `monitor.monitorOperation('db.query', 'db')(fn)`. */
	monitorOperation(operation: string, pluginName?: string): <F extends AnyFunction>(fn: F) => F {
		return fn => this.wrap(fn, {op: operation, plugin: pluginName});
	}

	/**
	 * Records one externally measured duration (ms) that ended now. `kind: 'hook'` counts it as hook time of
	 * its plugin (busy time and TIME%; overlapping records count once). A value that is not a finite number
	 * >= 0 is counted as a call and reported once as a fault. Disabled: does nothing. `kind` applies when the
	 * series is created: after `record(op, ms, {plugin})`, `startTimer(op, {plugin, kind: 'hook'})` still records
	 * into the `operation` series (see {@link PerformanceMonitor.wrap}).
	 */
	record(op: string, ms: number, options: RecordOptions = {}): void {
		if (!this.#enabled) return;
		recordMeasured(this.#seriesFor(op, options), this.#clock, ms * 1e6, options.error === true, this.faults);
	}

	/**
	 * Wraps every function-valued data property of `target` (own and inherited) in place, as the hooks of
	 * plugin `pluginName` (kind 'hook' unless given); see {@link InstrumentOptions}. Skipped: symbol keys,
	 * `constructor`, classes and constructor functions, getters and read-only properties. `{handler}` hook
	 * objects (Rollup's `{order, handler}`) get their `handler` timed under the key; with `deep: true`, nested
	 * plain objects are instrumented too, their op names joined with ':' (`build:before`). Returns the undo,
	 * which puts the original functions back exactly (own properties restored, inherited ones removed).
	 */
	instrument<T extends object>(pluginName: string, target: T, options: InstrumentOptions = {}): () => void {
		if (target === null || (typeof target !== 'object' && typeof target !== 'function')) throw new TypeError(`perftop: instrument('${pluginName}') needs an object, got ${target === null ? 'null' : typeof target}`);
		if (!this.#enabled) return () => {};
		this.#ensurePlugin(pluginName);
		const kind = options.kind ?? 'hook';
		return instrumentObject(target, (original, op) => this.wrap(original, {op, plugin: pluginName, kind}), this.faults, {deep: options.deep === true});
	}

	/**
	 * Runs `fn` (sync or async) as the load of plugin `name` and records its self time (time spent in nested
	 * measureLoad calls, e.g. plugins it registers, is not charged to it; the plugin manager shares this
	 * logic) and heap growth, with state `loaded`, or `failed` with the error, which is rethrown unchanged.
	 * Returns what `fn` returns (its promise settles after the load is recorded). Disabled: just calls `fn`.
	 */
	measureLoad<T>(name: string, fn: () => T, options: MeasureLoadOptions = {}): T {
		if (!this.#enabled) return fn();
		const source = options.source ?? null;
		this.#safe('plugin-record', () => this.recordPluginLoad({name, source, state: 'loading', loadMs: null, loadBytes: null, loadMemoryMode: null, error: null}), undefined);
		return runMeasured(true, fn, (cost, error, failed) => {
			this.#safe(
				'plugin-record',
				() =>
					this.recordPluginLoad({
						name,
						source,
						state: failed ? 'failed' : 'loaded',
						loadMs: cost.ms,
						loadBytes: cost.bytes,
						loadMemoryMode: cost.mode,
						error: failed ? (error instanceof Error ? error.message : String(error)) : null,
					}),
				undefined,
			);
		});
	}

	// ---- plugins ----

	/** Records a plugin's load (called by the plugin manager, or by hosts with their own loader). */
	recordPluginLoad(record: PluginLoadRecord): void {
		this.#plugins.set(record.name, {...record});
		if (record.state === 'loaded' || record.state === 'failed') {
			const plugin = this.getPluginPerformance(record.name);
			if (plugin) this.events.emit({kind: 'plugin.loaded', plugin});
			this.evaluateAlerts();
		}
	}

	/** Marks a plugin as unloaded (its series stay until reset). */
	recordPluginUnload(name: string): void {
		const record = this.#plugins.get(name);
		if (record) record.state = 'unloaded';
	}

	#ensurePlugin(name: string): void {
		if (!this.#plugins.has(name)) {
			this.#plugins.set(name, {name, source: null, state: 'loaded', loadMs: null, loadBytes: null, loadMemoryMode: null, error: null});
		}
	}

	// ---- caches ----

	/**
	 * Creates a named cache (lru-cache with stats) registered with this monitor, so clients can see and
	 * clear it. A duplicate name is an error. A disabled monitor returns a cache without statistics work or
	 * timers, not registered.
	 */
	createCache<K extends {}, V extends {}>(name: string, options?: CacheOptions<K, V>): PerformanceCache<K, V> {
		// Disabled: the same cache API with no statistics work, not registered, so no window timer either.
		if (!this.#enabled) return new PerformanceCache<K, V>(name, options, undefined, {stats: false});
		return this.cacheRegistry.create<K, V>(name, options);
	}

	// ---- summaries ----

	/** Everything as plain data. */
	getPerformanceSummary(): PerformanceSummary {
		const {plugins, series} = this.#summaries();
		return {at: this.#now(), plugins, series, caches: this.#cacheList(), alerts: this.alerts?.active() ?? []};
	}

	/** One plugin's summary, or undefined when no such plugin is known. */
	getPluginPerformance(name: string): PluginSummary | undefined {
		return this.#summaries().plugins.find(plugin => plugin.name === name);
	}

	#summaries(): {plugins: PluginSummary[]; series: SeriesSummary[]} {
		return this.#rollup.build(this.#plugins.values());
	}

	#cacheList(): CacheSummary[] | null {
		try {
			return this.cacheRegistry.size > 0 ? this.cacheRegistry.list() : null;
		} catch (error) {
			this.faults.report('cache-stats', error);
			return null;
		}
	}

	/** A snapshot for clients (plain data). */
	snapshot(): Snapshot {
		const {plugins, series} = this.#summaries();
		return {
			seq: ++this.#seq,
			at: this.#now(),
			host: this.host,
			monitor: {
				series: this.registry.size,
				seriesCap: this.registry.cap,
				overflowed: this.registry.overflowed,
				faults: this.faults.count,
				bytes: this.registry.bytes,
				clients: this.server?.clients ?? 0,
				readonly: this.readonly,
				resetAt: this.#resetAt,
			},
			process: this.#safe('sampler', () => this.samplers?.processSection() ?? null, null),
			system: this.#safe('sampler', () => this.samplers?.systemSection() ?? null, null),
			plugins,
			series,
			caches: this.#cacheList(),
			alerts: this.#safe('alerts', () => this.alerts?.active() ?? [], []),
		};
	}

	/** Every series with its full histogram. */
	seriesExports(): SeriesExport[] {
		this.registry.advance();
		const windowMs = this.registry.windowMs();
		return this.registry.all().map(series => series.export(windowMs));
	}

	/** Full metrics as data. */
	exportData(): MetricsExport {
		return {format: 'perftop-export', version: 1, exportedAt: this.#now(), snapshot: this.snapshot(), series: this.seriesExports()};
	}

	/**
	 * Writes the full metrics as JSON to `path`. Refuses to overwrite an existing file unless `overwrite`.
	 * Returns the path written. This is an explicit request, so it throws when the file cannot be written
	 * (exists, no permission, disk full) instead of failing silently.
	 */
	exportMetrics(path: string, {overwrite = false}: {overwrite?: boolean} = {}): string {
		if (!overwrite && existsSync(path)) throw new Error(`perftop: ${path} already exists; pass {overwrite: true} to replace it`);
		mkdirSync(dirname(path), {recursive: true});
		writeFileSync(path, JSON.stringify(this.exportData(), null, 2) + '\n', {flag: overwrite ? 'w' : 'wx'});
		return path;
	}

	/**
	 * The series as Prometheus text 0.0.4 (`'prometheus'`) or OpenMetrics 1.0 (`'openmetrics'`), rendered now,
	 * with the `prometheus` option's buckets and cap (or the defaults): for hosts that serve `/metrics` from their
	 * own HTTP server. One pass over the series; nothing is kept between calls.
	 */
	metricsText(format: ExpositionFormat = 'prometheus'): string {
		return this.prometheus ? this.prometheus.render(format) : renderExposition(this.#expositionInput(), defaultExposition ??= resolveExposition(), format);
	}

	#expositionInput(): ExpositionInput {
		const cpu = process.cpuUsage();
		return {
			series: this.registry.all(),
			plugins: [...this.#plugins.values()],
			caches: this.#cacheList(),
			alerts: this.#safe('alerts', () => this.alerts?.active() ?? null, null),
			alertRules: this.alerts ? alertRuleNames(this.#options.alerts) : [],
			process: this.#safe('sampler', () => this.samplers?.processSection() ?? null, null),
			host: this.host,
			cpu: {user: cpu.user / 1e6, system: cpu.system / 1e6},
			monitor: {series: this.registry.size, seriesCap: this.registry.cap, faults: this.faults.count},
		};
	}

	/** Zeroes every series (plugin load records and caches are kept). */
	clearMetrics(): ResetMetricsResult {
		// The log gets the calls of the interval cut short before they are zeroed.
		this.#perfLog?.beforeReset();
		this.registry.reset();
		this.#resetAt = this.#now();
		this.events.emit({kind: 'metrics.reset', at: this.#resetAt});
		return {at: this.#resetAt, series: this.registry.size};
	}

	resetMetrics(): ResetMetricsResult {
		return this.clearMetrics();
	}

	cacheSummaries(): CacheSummary[] | null {
		return this.#cacheList();
	}

	clearCache(name?: string): ClearCacheResult {
		const result = this.cacheRegistry.clear(name);
		this.events.emit({kind: 'cache.clear', at: this.#now(), cleared: result.cleared});
		return result;
	}

	async heapSnapshot(): Promise<HeapSnapshotResult> {
		return writeHostHeapSnapshot(this.#options.heapSnapshotDir, `perftop-${this.host.pid}-${this.#now()}.heapsnapshot`);
	}

	setWatchers(clients: number): void {
		this.#safe('sampler', () => this.samplers?.setWatched(clients > 0), undefined);
	}

	/** Runs the alert rules over the current data (called after each sample and each plugin load). */
	evaluateAlerts(): void {
		if (!this.alerts) return;
		try {
			const {plugins, series} = this.#summaries();
			this.alerts.evaluate({
				now: this.#now(),
				process: this.samplers?.processSection() ?? null,
				system: this.samplers?.systemSection() ?? null,
				plugins,
				series: [...series, ...plugins.flatMap(plugin => plugin.hooks)],
			});
		} catch (error) {
			this.faults.report('alerts', error);
		}
	}

	#safe<T>(kind: FaultKind, fn: () => T, fallback: T): T {
		try {
			return fn();
		} catch (error) {
			this.faults.report(kind, error);
			return fallback;
		}
	}
}

/** Rendering options of {@link PerformanceMonitor.metricsText} without a `prometheus` option (resolved on first use). */
let defaultExposition: ReturnType<typeof resolveExposition> | undefined;
