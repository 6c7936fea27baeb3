/**
 * Builds the records the performance log writes, from the monitor's own data. The record types and the
 * schema version live in source/protocol/perf-log.ts (shared with `perftop analyze`); pino adds `level`,
 * `time` (epoch ms), `pid` and `hostname` to every line.
 */
import type {HostEvent} from '../../protocol/messages.js';
import {PERF_LOG_SCHEMA, type PerfLogEvent, type PerfLogProcess, type PerfLogRecord, type PerfLogSummary} from '../../protocol/perf-log.js';
import type {AlertData, CacheSummary, HostInfo, PluginSummary} from '../../protocol/snapshot.js';

export {PERF_LOG_SCHEMA};

/** A summary's fields as IntervalDeltas computes them (everything but `ev`). */
export type SummaryFields = Omit<PerfLogSummary, 'ev'>;

function record(event: PerfLogEvent): PerfLogRecord {
	return {perftop: PERF_LOG_SCHEMA, ...event};
}

/** First line of a run: who writes and how to read the summaries. */
export function startRecord(host: HostInfo, intervalMs: number, scheme: string, relativeError: number): PerfLogRecord {
	return record({ev: 'start', host: host.name, node: host.node, platform: host.platform, version: host.perftop, startedAt: host.startedAt, intervalMs, scheme, relativeError});
}

/** Last line of a run (written by close()). */
export function stopRecord(reason: string): PerfLogRecord {
	return record({ev: 'stop', reason});
}

/** A plugin loaded or failed. */
export function pluginLoadRecord(plugin: PluginSummary): PerfLogRecord {
	return record({
		ev: 'plugin.load',
		plugin: plugin.name,
		state: plugin.state,
		source: plugin.source,
		loadMs: plugin.loadMs,
		loadBytes: plugin.loadBytes,
		loadMemoryMode: plugin.loadMemoryMode,
		error: plugin.error,
	});
}

/** A slow call, with the slow calls of its series not logged since its previous line. */
export function slowCallRecord(op: string, plugin: string | null, ms: number, at: number, suppressed: number): PerfLogRecord {
	return record({ev: 'call.slow', op, plugin, ms, at, suppressed});
}

/** An alert that became active or resolved. */
export function alertRecord(alert: AlertData): PerfLogRecord {
	return record({
		ev: 'alert',
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

/** A cache's counters (every field of its summary but the name, which becomes `cache`). */
export function cacheRecord(cache: CacheSummary): PerfLogRecord {
	const {name, ...rest} = cache;
	return record({ev: 'cache.summary', cache: name, ...rest});
}

/** A host event as a record; null for events the log does not keep. */
export function eventRecord(event: HostEvent): PerfLogRecord | null {
	switch (event.kind) {
		case 'alert':
			return alertRecord(event.alert);
		case 'plugin.loaded':
			return pluginLoadRecord(event.plugin);
		case 'metrics.reset':
			return record({ev: 'metrics.reset', at: event.at});
		case 'cache.clear':
			return record({ev: 'cache.clear', at: event.at, cleared: event.cleared});
		default:
			return null;
	}
}

/** Memory and CPU of the host process over the last interval. */
export function processRecord(fields: Omit<PerfLogProcess, 'ev'>): PerfLogRecord {
	return record({ev: 'process', ...fields});
}

/** One series' calls of one interval. */
export function summaryRecord(fields: SummaryFields): PerfLogRecord {
	return record({ev: 'summary', ...fields});
}
