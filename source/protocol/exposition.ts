/**
 * Prometheus exposition: perftop's series as the Prometheus text format 0.0.4 or OpenMetrics 1.0. Pure
 * functions from plain data to text (no I/O, no state), shared by the host's `/metrics` endpoint and by
 * `perftop export --format openmetrics`, which reads the same data over the socket.
 *
 * Durations are histograms with classic cumulative `le` buckets taken from the log-linear histogram (see
 * histogram.ts): every boundary is turned into a bucket edge of that scheme once, when the options are
 * resolved, and a cumulative count is the sum of the log-linear buckets below that edge. The default
 * boundaries ({@link DEFAULT_BOUNDARIES}, powers of two) are edges, so their counts are exact: a duration
 * lands in a classic bucket exactly when it is below the boundary (one exactly on a boundary counts in the next
 * bucket up). A configured boundary that is not an edge is counted at the nearest edge, within 1/64 of its
 * value; its `le` label keeps the number as configured.
 *
 * No hook arguments and no cache keys ever reach a label: the labels are plugin, hook/op, cache and rule
 * names, GC kinds, and a plugin's failure reason cut to {@link REASON_MAX} characters. The number of label
 * sets of each family is capped ({@link ExpositionOptions.maxSeries}); what was left out is itself exposed as
 * `perftop_exposition_series_dropped{metric}`, next to the cap as `perftop_exposition_series_cap`.
 */
import {bucketIndex, bucketLow, bucketWidth, type HistogramData} from './histogram.js';
import type {AlertData, CacheSummary, HostInfo, PluginState, ProcessSection, SeriesExport} from './snapshot.js';

/** `prometheus`: text format 0.0.4; `openmetrics`: OpenMetrics 1.0 (ends with `# EOF`). */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Content-Type of the text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** Content-Type of OpenMetrics 1.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * Default `le` boundaries, seconds: every power of two from 2^10 ns (about 1 us) to 2^34 ns (about 17 s). Each
 * is a bucket edge of the log-linear histogram, so the cumulative counts are exact.
 */
export const DEFAULT_BOUNDARIES: readonly number[] = Object.freeze(Array.from({length: 25}, (_, index) => 2 ** (10 + index) / 1e9));

/** Default cap on the label sets of one metric family. */
export const DEFAULT_MAX_SERIES = 1000;

/** A plugin's failure reason is cut to this many characters (first line only) in `perftop_plugin_loaded`. */
export const REASON_MAX = 60;

/** One duration series as the renderer reads it. A host's live series object fits as it is. */
export interface ExpositionSeries {
	readonly op: string;
	readonly plugin: string | null;
	readonly errors: number;
	/** Sum of the recorded durations, ns. */
	readonly sumNs: number;
	/** Log-linear bucket counts: entry i is bucket countsBase + i (see histogram.ts). */
	readonly counts: ArrayLike<number>;
	readonly countsBase: number;
}

/** One plugin's load as the renderer reads it (a PluginSummary or a host's load record fits). */
export interface ExpositionPlugin {
	readonly name: string;
	readonly state: PluginState;
	readonly loadMs: number | null;
	readonly loadBytes: number | null;
	readonly error: string | null;
}

/** Everything one exposition shows, as plain data. Absent or null parts are left out of the text. */
export interface ExpositionInput {
	/** Every series (operations and plugin series alike), in a stable order: the cap keeps the first ones. */
	series: readonly ExpositionSeries[];
	plugins?: readonly ExpositionPlugin[];
	caches?: readonly CacheSummary[] | null;
	/** Active alerts. */
	alerts?: readonly AlertData[] | null;
	/** Rules shown with 0 while none of their alerts is active (rules of active alerts are shown anyway). */
	alertRules?: readonly string[];
	process?: ProcessSection | null;
	host?: HostInfo | null;
	/** CPU time of the process so far, seconds (process.cpuUsage() / 1e6); left out when unknown. */
	cpu?: {user: number; system: number} | null;
	/** The monitor's own state. */
	monitor?: {series: number; seriesCap: number; faults: number} | null;
}

/** Options of the renderer. */
export interface ExpositionOptions {
	/** `le` boundaries of the duration histograms, seconds (default {@link DEFAULT_BOUNDARIES}). */
	buckets?: readonly number[];
	/** Most label sets one metric family shows (default {@link DEFAULT_MAX_SERIES}); the rest are counted as dropped. */
	maxSeries?: number;
	/** Duration series per chunk of {@link expositionChunks} (default 32). */
	seriesPerChunk?: number;
}

/** Options resolved once (boundaries as bucket edges): pass the result to every render. */
export interface ResolvedExposition {
	/** The boundaries as given (seconds), ascending, without duplicates. */
	readonly buckets: readonly number[];
	/** Per boundary: the log-linear bucket index of its edge (counts of buckets below it are cumulated). */
	readonly edges: Int32Array;
	/** Per boundary: `,le="<boundary>"} ` (the tail of a bucket line up to its value). */
	readonly leTails: readonly string[];
	/** Whether every boundary is exactly an edge (then every cumulative count is exact). */
	readonly exact: boolean;
	readonly maxSeries: number;
	readonly seriesPerChunk: number;
}

/**
 * Checks and resolves the options: boundaries must be finite numbers > 0 (sorted and deduplicated here).
 * Throws a TypeError naming the bad value.
 */
export function resolveExposition(options: ExpositionOptions = {}): ResolvedExposition {
	const given = options.buckets ?? DEFAULT_BOUNDARIES;
	for (const value of given) if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new TypeError(`perftop: prometheus bucket boundaries must be finite numbers > 0 (seconds), got ${String(value)}`);
	const buckets = [...new Set(given)].sort((a, b) => a - b);
	const edges = new Int32Array(buckets.length);
	let exact = true;
	for (let index = 0; index < buckets.length; index++) {
		const edge = nearestEdge(buckets[index]! * 1e9);
		edges[index] = edge.index;
		if (!edge.exact) exact = false;
	}
	const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
	if (!Number.isInteger(maxSeries) || maxSeries < 1) throw new TypeError(`perftop: prometheus maxSeries must be a whole number >= 1, got ${String(maxSeries)}`);
	const seriesPerChunk = Math.max(1, Math.floor(options.seriesPerChunk ?? 32));
	return {buckets, edges, leTails: buckets.map(value => `,le="${formatNumber(value)}"} `), exact, maxSeries, seriesPerChunk};
}

/**
 * The log-linear bucket edge nearest to `ns`: the index of the bucket that starts there (a duration is below
 * the edge exactly when it lies in a bucket with a lower index), and whether `ns` is that edge.
 */
export function nearestEdge(ns: number): {index: number; exact: boolean} {
	const index = bucketIndex(ns);
	const low = bucketLow(index);
	if (ns === low) return {index, exact: true};
	const high = low + bucketWidth(index);
	return {index: ns - low < high - ns ? index : index + 1, exact: false};
}

/** A label value escaped for both formats (backslash, double quote and line feed). */
export function escapeLabelValue(value: string): string {
	return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, escapeChar) : value;
}

function escapeChar(char: string): string {
	return char === '\\' ? '\\\\' : char === '"' ? '\\"' : '\\n';
}

/** A sample value as both formats write it (`+Inf`, `-Inf`, `NaN` for the non-finite ones). */
export function formatNumber(value: number): string {
	if (Number.isFinite(value)) return String(value);
	return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}

/** The short failure reason shown as a label: the first line, at most {@link REASON_MAX} characters. */
export function shortReason(error: string): string {
	const line = error.split('\n', 1)[0]!.trim();
	return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 1)}…` : line;
}

/** The metric families whose label sets are capped, in the order they are reported as dropped. */
export const CAPPED_FAMILIES = [
	'perftop_hook_duration_seconds',
	'perftop_operation_duration_seconds',
	'perftop_plugin_loaded',
	'perftop_cache_requests_total',
	'perftop_alert_active',
] as const;

type Kind = 'counter' | 'gauge' | 'histogram' | 'info';

/**
 * The header of a family. `name` is the sample name (`foo_total` for counters, `foo_info` for infos): text 0.0.4
 * declares families by it; OpenMetrics by the name without the suffix (and knows the info type).
 */
function header(name: string, kind: Kind, help: string, format: ExpositionFormat): string {
	if (format === 'openmetrics') {
		const family = kind === 'counter' ? name.slice(0, -'_total'.length) : kind === 'info' ? name.slice(0, -'_info'.length) : name;
		return `# HELP ${family} ${help}\n# TYPE ${family} ${kind}\n`;
	}
	return `# HELP ${name} ${help}\n# TYPE ${name} ${kind === 'info' ? 'gauge' : kind}\n`;
}

/** Counts of what the cap left out, by family (see the file comment). */
type Dropped = Record<(typeof CAPPED_FAMILIES)[number], number>;

/**
 * The exposition in pieces, in order: their concatenation is the whole text. The duration histograms come
 * `seriesPerChunk` series at a time, so a server can write each piece and let the event loop run in between;
 * each series is read whole within one piece (its buckets, sum and count agree).
 */
export function* expositionChunks(input: ExpositionInput, resolved: ResolvedExposition, format: ExpositionFormat): Generator<string, void, undefined> {
	const cap = resolved.maxSeries;
	const dropped: Dropped = {perftop_hook_duration_seconds: 0, perftop_operation_duration_seconds: 0, perftop_plugin_loaded: 0, perftop_cache_requests_total: 0, perftop_alert_active: 0};
	const hooks: ExpositionSeries[] = [];
	const operations: ExpositionSeries[] = [];
	for (const series of input.series) {
		if (series.plugin === null) {
			if (operations.length < cap) operations.push(series);
			else dropped.perftop_operation_duration_seconds++;
		} else if (hooks.length < cap) hooks.push(series);
		else dropped.perftop_hook_duration_seconds++;
	}
	const hookLabels = hooks.map(series => `plugin="${escapeLabelValue(series.plugin!)}",hook="${escapeLabelValue(series.op)}"`);
	const operationLabels = operations.map(series => `op="${escapeLabelValue(series.op)}"`);

	yield* histogramFamily('perftop_hook_duration_seconds', 'Latency of plugin hook calls (time to settle), by plugin and hook.', hooks, hookLabels, resolved, format);
	yield errorsFamily('perftop_hook_errors_total', 'Plugin hook calls that threw or rejected, by plugin and hook.', hooks, hookLabels, format);
	yield* histogramFamily('perftop_operation_duration_seconds', 'Latency of operations timed outside plugins, by operation.', operations, operationLabels, resolved, format);
	yield errorsFamily('perftop_operation_errors_total', 'Operations that threw or rejected, by operation.', operations, operationLabels, format);

	let out = '';
	if (input.plugins && input.plugins.length > 0) out += pluginFamilies(input.plugins, cap, dropped, format);
	if (input.caches) out += cacheFamilies(input.caches, cap, dropped, format);
	if (input.alerts) out += alertFamily(input.alerts, input.alertRules ?? [], cap, dropped, format);
	out += runtimeFamilies(input, format);
	if (input.monitor) {
		out += header('perftop_series', 'gauge', 'Series held by the monitor.', format) + `perftop_series ${input.monitor.series}\n`;
		out += header('perftop_series_cap', 'gauge', 'Most series the monitor holds; past it, new series fold into the (overflow) operation.', format) + `perftop_series_cap ${input.monitor.seriesCap}\n`;
		out += header('perftop_faults_total', 'counter', 'Internal faults of the monitor (counted, never thrown into the host).', format) + `perftop_faults_total ${input.monitor.faults}\n`;
	}
	out += header('perftop_exposition_series_cap', 'gauge', 'Most label sets one metric family shows in this exposition.', format) + `perftop_exposition_series_cap ${cap}\n`;
	out += header('perftop_exposition_series_dropped', 'gauge', 'Label sets left out of this exposition by the cap, by metric family.', format);
	for (const family of CAPPED_FAMILIES) out += `perftop_exposition_series_dropped{metric="${family}"} ${dropped[family]}\n`;
	if (format === 'openmetrics') out += '# EOF\n';
	yield out;
}

/** The whole exposition as one string (see {@link expositionChunks}). */
export function renderExposition(input: ExpositionInput, resolved: ResolvedExposition, format: ExpositionFormat): string {
	let out = '';
	for (const chunk of expositionChunks(input, resolved, format)) out += chunk;
	return out;
}

function* histogramFamily(name: string, help: string, series: readonly ExpositionSeries[], labels: readonly string[], resolved: ResolvedExposition, format: ExpositionFormat): Generator<string, void, undefined> {
	if (series.length === 0) return;
	const bucketHead = `${name}_bucket{`;
	const sumHead = `${name}_sum{`;
	const countHead = `${name}_count{`;
	const edges = resolved.edges;
	const tails = resolved.leTails;
	const per = resolved.seriesPerChunk;
	let out = header(name, 'histogram', help, format);
	for (let start = 0; start < series.length; start += per) {
		const end = Math.min(series.length, start + per);
		for (let at = start; at < end; at++) {
			const one = series[at]!;
			const label = labels[at]!;
			const head = bucketHead + label;
			const counts = one.counts;
			const base = one.countsBase;
			const length = counts.length;
			let index = 0;
			let cumulative = 0;
			for (let bound = 0; bound < edges.length; bound++) {
				const below = edges[bound]! - base;
				while (index < length && index < below) cumulative += counts[index++]!;
				out += head + tails[bound] + cumulative + '\n';
			}
			while (index < length) cumulative += counts[index++]!;
			out += head + ',le="+Inf"} ' + cumulative + '\n' + sumHead + label + '} ' + formatNumber(one.sumNs / 1e9) + '\n' + countHead + label + '} ' + cumulative + '\n';
		}
		yield out;
		out = '';
	}
}

function errorsFamily(name: string, help: string, series: readonly ExpositionSeries[], labels: readonly string[], format: ExpositionFormat): string {
	if (series.length === 0) return '';
	let out = header(name, 'counter', help, format);
	for (let at = 0; at < series.length; at++) out += `${name}{${labels[at]!}} ${series[at]!.errors}\n`;
	return out;
}

function pluginFamilies(plugins: readonly ExpositionPlugin[], cap: number, dropped: Dropped, format: ExpositionFormat): string {
	const shown = plugins.slice(0, cap);
	dropped.perftop_plugin_loaded = plugins.length - shown.length;
	const labels = shown.map(plugin => `plugin="${escapeLabelValue(plugin.name)}"`);
	let loaded = header('perftop_plugin_loaded', 'gauge', 'Whether the plugin is loaded (1) or not (0, with why: a short failure reason, loading or unloaded).', format);
	let seconds = '';
	let bytes = '';
	for (let at = 0; at < shown.length; at++) {
		const plugin = shown[at]!;
		const reason = plugin.state === 'loaded' ? '' : plugin.state === 'failed' ? shortReason(plugin.error ?? 'failed') || 'failed' : plugin.state;
		loaded += `perftop_plugin_loaded{${labels[at]!},reason="${escapeLabelValue(reason)}"} ${plugin.state === 'loaded' ? 1 : 0}\n`;
		if (plugin.loadMs !== null && Number.isFinite(plugin.loadMs)) seconds += `perftop_plugin_load_seconds{${labels[at]!}} ${formatNumber(plugin.loadMs / 1e3)}\n`;
		if (plugin.loadBytes !== null && Number.isFinite(plugin.loadBytes)) bytes += `perftop_plugin_load_heap_bytes{${labels[at]!}} ${plugin.loadBytes}\n`;
	}
	let out = loaded;
	if (seconds !== '') out += header('perftop_plugin_load_seconds', 'gauge', 'Self time of loading the plugin (import and setup), seconds.', format) + seconds;
	if (bytes !== '') out += header('perftop_plugin_load_heap_bytes', 'gauge', 'Heap growth caused by loading the plugin, bytes (may be negative).', format) + bytes;
	return out;
}

function cacheFamilies(caches: readonly CacheSummary[], cap: number, dropped: Dropped, format: ExpositionFormat): string {
	if (caches.length === 0) return '';
	const shown = caches.slice(0, cap);
	dropped.perftop_cache_requests_total = caches.length - shown.length;
	const labels = shown.map(cache => `cache="${escapeLabelValue(cache.name)}"`);
	let requests = header('perftop_cache_requests_total', 'counter', 'Cache lookups by result (hit or miss).', format);
	let evictions = header('perftop_cache_evictions_total', 'counter', 'Entries evicted to make room (not expirations or deletes).', format);
	let entries = header('perftop_cache_entries', 'gauge', 'Entries held by the cache.', format);
	for (let at = 0; at < shown.length; at++) {
		const cache = shown[at]!;
		requests += `perftop_cache_requests_total{${labels[at]!},result="hit"} ${cache.hits}\nperftop_cache_requests_total{${labels[at]!},result="miss"} ${cache.misses}\n`;
		evictions += `perftop_cache_evictions_total{${labels[at]!}} ${cache.evictions}\n`;
		entries += `perftop_cache_entries{${labels[at]!}} ${cache.size}\n`;
	}
	return requests + evictions + entries;
}

function alertFamily(alerts: readonly AlertData[], rules: readonly string[], cap: number, dropped: Dropped, format: ExpositionFormat): string {
	const active = new Map<string, number>();
	for (const rule of rules) active.set(rule, 0);
	for (const alert of alerts) if (alert.state === 'active') active.set(alert.rule, (active.get(alert.rule) ?? 0) + 1);
	if (active.size === 0) return '';
	let out = header('perftop_alert_active', 'gauge', 'Alerts of the rule active now (0 when none).', format);
	let shown = 0;
	for (const [rule, count] of active) {
		if (shown++ >= cap) {
			dropped.perftop_alert_active++;
			continue;
		}
		out += `perftop_alert_active{rule="${escapeLabelValue(rule)}"} ${count}\n`;
	}
	return out;
}

/** Process and runtime figures under prom-client's default metric names, from the monitor's latest samples. */
function runtimeFamilies(input: ExpositionInput, format: ExpositionFormat): string {
	let out = '';
	const gauge = (name: string, help: string, value: number | null | undefined): void => {
		if (value !== null && value !== undefined && Number.isFinite(value)) out += header(name, 'gauge', help, format) + `${name} ${formatNumber(value)}\n`;
	};
	const cpu = input.cpu;
	if (cpu) {
		out += header('process_cpu_user_seconds_total', 'counter', 'Total user CPU time spent in seconds.', format) + `process_cpu_user_seconds_total ${formatNumber(cpu.user)}\n`;
		out += header('process_cpu_system_seconds_total', 'counter', 'Total system CPU time spent in seconds.', format) + `process_cpu_system_seconds_total ${formatNumber(cpu.system)}\n`;
		out += header('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', format) + `process_cpu_seconds_total ${formatNumber(cpu.user + cpu.system)}\n`;
	}
	const host = input.host;
	if (host) gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', Math.floor(host.startedAt / 1000));
	const sampled = input.process;
	if (sampled) {
		gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', sampled.rss);
		gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', sampled.heapTotal);
		gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', sampled.heapUsed);
		gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', sampled.external);
		const loop = sampled.eventLoop;
		if (loop) {
			gauge('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.', loop.p50Ms / 1e3);
			gauge('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.', loop.p99Ms / 1e3);
			gauge('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.', loop.maxMs / 1e3);
			gauge('perftop_eventloop_utilization_ratio', 'Event-loop utilization over the last sample interval (0..1).', loop.utilization);
		}
		const kinds = sampled.gc ? Object.entries(sampled.gc.byKind) : [];
		if (kinds.length > 0) {
			// Only totals are known (no distribution): the +Inf bucket, the sum and the count, which is what rate() needs.
			out += header('nodejs_gc_duration_seconds', 'histogram', 'Garbage collection duration by kind (totals only: the +Inf bucket).', format);
			for (const [kind, {count, pauseMs}] of kinds) {
				const label = `kind="${escapeLabelValue(kind)}"`;
				out += `nodejs_gc_duration_seconds_bucket{${label},le="+Inf"} ${count}\nnodejs_gc_duration_seconds_sum{${label}} ${formatNumber(pauseMs / 1e3)}\nnodejs_gc_duration_seconds_count{${label}} ${count}\n`;
			}
		}
	}
	if (host) {
		const version = /^v?(\d+)\.(\d+)\.(\d+)/.exec(host.node);
		if (version) {
			out += header('nodejs_version_info', 'info', 'Node.js version info.', format);
			out += `nodejs_version_info{version="${escapeLabelValue(host.node)}",major="${version[1]}",minor="${version[2]}",patch="${version[3]}"} 1\n`;
		}
	}
	return out;
}

/** A dense bucket array (and the index of its first entry) from a sparse histogram. */
export function denseHistogram(data: HistogramData): {counts: Float64Array; countsBase: number} {
	const pairs = data.buckets.filter(([index, count]) => Number.isInteger(index) && index >= 0 && Number.isFinite(count) && count > 0);
	if (pairs.length === 0) return {counts: new Float64Array(0), countsBase: 0};
	let low = Infinity;
	let high = -1;
	for (const [index] of pairs) {
		if (index < low) low = index;
		if (index > high) high = index;
	}
	const counts = new Float64Array(high - low + 1);
	for (const [index, count] of pairs) counts[index - low]! += count;
	return {counts, countsBase: low};
}

/** A series of an export (the socket's `export` command) as the renderer reads it. */
export function exportedSeries(series: SeriesExport): ExpositionSeries {
	const {counts, countsBase} = denseHistogram(series.histogram);
	return {op: series.op, plugin: series.plugin, errors: series.errors, sumNs: series.sumNs, counts, countsBase};
}

/**
 * Media type chosen for an `Accept` header: OpenMetrics when the header asks for
 * `application/openmetrics-text` (with a q above 0, and at least the q of text/plain), else the text format.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
	if (!accept) return 'prometheus';
	let openmetrics = -1;
	let text = -1;
	for (const range of accept.split(',')) {
		const [type, ...parameters] = range.split(';').map(part => part.trim().toLowerCase());
		let q = 1;
		for (const parameter of parameters) if (parameter.startsWith('q=')) q = Number(parameter.slice(2));
		if (!(q > 0)) continue;
		if (type === 'application/openmetrics-text') openmetrics = Math.max(openmetrics, q);
		else if (type === 'text/plain') text = Math.max(text, q);
	}
	return openmetrics > 0 && openmetrics >= text ? 'openmetrics' : 'prometheus';
}
