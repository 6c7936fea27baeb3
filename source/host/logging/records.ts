/**
 * The records the performance log writes (schema version 1, documented in source/analyze/SCHEMA.md).
 * pino adds `level`, `time` (epoch ms), `pid` and `hostname` to every line.
 */
import type {HostEvent} from '../../protocol/messages.js';
import type {AlertData, CacheSummary, HostInfo, PluginSummary} from '../../protocol/snapshot.js';

/** Version of the perf-log schema; every line carries it as `perftop`. */
export const PERF_LOG_SCHEMA = 1;

/** A record before pino adds its fields. */
export type LogRecord = {perftop: typeof PERF_LOG_SCHEMA; ev: string} & Record<string, unknown>;

function record(ev: string, fields: Record<string, unknown>): LogRecord {
	return {perftop: PERF_LOG_SCHEMA, ev, ...fields};
}

/** First line of a run: who writes and how to read the summaries. */
export function startRecord(host: HostInfo, intervalMs: number, scheme: string, relativeError: number): LogRecord {
	return record('start', {host: host.name, node: host.node, platform: host.platform, version: host.perftop, startedAt: host.startedAt, intervalMs, scheme, relativeError});
}

/** Last line of a run (written by close()). */
export function stopRecord(reason: string): LogRecord {
	return record('stop', {reason});
}

export function pluginLoadRecord(plugin: PluginSummary): LogRecord {
	return record('plugin.load', {
		plugin: plugin.name,
		state: plugin.state,
		source: plugin.source,
		loadMs: plugin.loadMs,
		loadBytes: plugin.loadBytes,
		loadMemoryMode: plugin.loadMemoryMode,
		error: plugin.error,
	});
}

export function slowCallRecord(op: string, plugin: string | null, ms: number, at: number, suppressed: number): LogRecord {
	return record('call.slow', {op, plugin, ms, at, suppressed});
}

export function alertRecord(alert: AlertData): LogRecord {
	return record('alert', {
		id: alert.id,
		rule: alert.rule,
		subject: alert.subject,
		message: alert.message,
		value: alert.value,
		threshold: alert.threshold,
		since: alert.since,
		state: alert.state,
		resolvedAt: alert.resolvedAt,
	});
}

export function cacheRecord(cache: CacheSummary): LogRecord {
	const {name, ...rest} = cache;
	return record('cache.summary', {cache: name, ...rest});
}

/** A host event as a record; null for events the log does not keep. */
export function eventRecord(event: HostEvent): LogRecord | null {
	switch (event.kind) {
		case 'alert':
			return alertRecord(event.alert);
		case 'plugin.loaded':
			return pluginLoadRecord(event.plugin);
		case 'metrics.reset':
			return record('metrics.reset', {at: event.at});
		case 'cache.clear':
			return record('cache.clear', {at: event.at, cleared: event.cleared});
		default:
			return null;
	}
}

/** Memory and CPU of the host process over the last interval. */
export function processRecord(fields: {rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; cpuPercent: number | null; elu: number | null}): LogRecord {
	return record('process', fields);
}

/** Fields of a summary record (see SummaryTracker). */
export interface SummaryFields {
	op: string;
	plugin: string | null;
	kind: 'hook' | 'operation';
	from: number;
	count: number;
	errors: number;
	/** Calls over the response-time threshold. */
	slow: number;
	totalMs: number;
	minMs: number;
	maxMs: number;
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
	/** Histogram of the interval: flat [bucket index, count, bucket index, count, ...], ascending indexes. */
	h: number[];
}

export function summaryRecord(fields: SummaryFields): LogRecord {
	return record('summary', {...fields});
}
