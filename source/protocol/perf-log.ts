/**
 * The performance log's records (schema version 1, documented in source/analyze/SCHEMA.md): the one
 * definition the host writes and `perftop analyze` reads. Plain types and pure validation, no I/O.
 *
 * The host hands a `PerfLogRecord` to pino, which adds `level`, `time`, `pid` and `hostname` in front of
 * it and writes one JSON line. A reader parses the line and passes the value to `readPerfLogRecord`, the
 * one validation step: the value becomes a typed `PerfLogLine` or is classified as another program's
 * line, a schema version this reader does not know, or a perftop line with missing or malformed fields.
 * Unknown fields are ignored; unknown events come back as `other` (the schema lets writers add events).
 */
import {BUCKET_COUNT} from './histogram.js';

/** Version of the perf-log schema; every line carries it as `perftop`. */
export const PERF_LOG_SCHEMA = 1;

/** The calls of one series (hook or operation, optionally of a plugin) during one interval. Deltas: they merge by adding. */
export interface PerfLogSummary {
	ev: 'summary';
	/** Operation; for hooks the hook name. */
	op: string;
	plugin: string | null;
	kind: 'hook' | 'operation';
	/** Interval start, epoch ms (the interval ends at the line's `time`). */
	from: number;
	count: number;
	errors: number;
	/** Calls over the response-time threshold. */
	slow: number;
	totalMs: number;
	minMs: number;
	maxMs: number;
	/** Percentiles of the interval, for reading the line by eye; readers merge `h` instead. */
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
	/** The interval's histogram (scheme loglin-ns-32), flat: [bucket index, count, ...], ascending indexes. */
	h: number[];
}

/** A call over the response-time threshold; at most one line per series per period. */
export interface PerfLogSlowCall {
	ev: 'call.slow';
	op: string;
	plugin: string | null;
	ms: number;
	/** When the call ended, epoch ms. */
	at: number;
	/** Slow calls of this series not logged since its previous line. */
	suppressed: number;
}

/** An alert became active or resolved. */
export interface PerfLogAlert {
	ev: 'alert';
	id: string;
	rule: string;
	subject: string;
	message: string;
	value: number | null;
	threshold: number | null;
	since: number | null;
	state: string;
	resolvedAt: number | null;
}

/** A plugin loaded or failed to load. */
export interface PerfLogPluginLoad {
	ev: 'plugin.load';
	plugin: string;
	state: string;
	source: string | null;
	loadMs: number | null;
	loadBytes: number | null;
	loadMemoryMode: string | null;
	error: string | null;
}

/** Memory and CPU of the host process over the last interval. */
export interface PerfLogProcess {
	ev: 'process';
	rss: number;
	heapUsed: number;
	heapTotal: number | null;
	external: number | null;
	arrayBuffers: number | null;
	/** Percent of one core over the interval. */
	cpuPercent: number | null;
	/** Event-loop utilization over the interval, 0..1. */
	elu: number | null;
}

/** One cache's counters since start or clear, written when they changed. */
export interface PerfLogCacheSummary {
	ev: 'cache.summary';
	cache: string;
	size: number | null;
	max: number | null;
	hits: number;
	misses: number;
	staleHits: number | null;
	sets: number | null;
	evictions: number | null;
	expirations: number | null;
	deletes: number | null;
	fetches: number | null;
	fetchErrors: number | null;
	hitRatio: number | null;
}

/** First line of a run: who writes and how to read the summaries. */
export interface PerfLogStart {
	ev: 'start';
	host: string;
	node: string;
	platform: string;
	/** perftop version of the host. */
	version: string;
	startedAt: number;
	intervalMs: number;
	scheme: string;
	relativeError: number;
}

/** Last line of a run. */
export interface PerfLogStop {
	ev: 'stop';
	reason: string;
}

/** Metrics were reset; the next summaries count from zero. */
export interface PerfLogMetricsReset {
	ev: 'metrics.reset';
	at: number;
}

/** Caches were cleared. */
export interface PerfLogCacheClear {
	ev: 'cache.clear';
	at: number;
	cleared: Array<{name: string; entries: number}>;
}

/** Events a reader interprets: what `readPerfLogRecord` validates field by field. */
export type PerfLogReadEvent = PerfLogSummary | PerfLogSlowCall | PerfLogAlert | PerfLogPluginLoad | PerfLogProcess | PerfLogCacheSummary;

/** Every event of this schema version. */
export type PerfLogEvent = PerfLogReadEvent | PerfLogStart | PerfLogStop | PerfLogMetricsReset | PerfLogCacheClear;

/** What the host hands to pino: an event with the schema version. */
export type PerfLogRecord = {perftop: typeof PERF_LOG_SCHEMA} & PerfLogEvent;

/** An event the reader only counts: start, stop, metrics.reset, cache.clear and events of later writers. */
export interface PerfLogOther {
	ev: 'other';
	/** The line's `ev`. */
	kind: string;
}

/** The fields pino writes on every line that a reader uses. */
export interface PerfLogLineMeta {
	/** When the line was written, epoch ms. */
	time: number;
	/** The writing process, when the line names one. */
	pid: number | null;
}

/** A validated line. */
export type PerfLogLine = PerfLogLineMeta & (PerfLogReadEvent | PerfLogOther);

/** Why a parsed line is not a record: another program's line, an unknown schema version, or bad fields. */
export type PerfLogRejection = 'foreign' | 'version' | 'fields';

const isNum = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isStr = (value: unknown): value is string => typeof value === 'string';
const numOrNull = (value: unknown): number | null => (isNum(value) ? value : null);
const strOrNull = (value: unknown): string | null => (isStr(value) ? value : null);

/**
 * Checks a flat histogram [bucket index, count, ...]: integer indexes of the scheme, counts above 0 and
 * below 1e15, an even length. Returns the sum of the counts, or -1 when it is malformed.
 */
export function flatHistogramTotal(h: readonly unknown[]): number {
	if (h.length % 2 !== 0) return -1;
	let total = 0;
	for (let index = 0; index < h.length; index += 2) {
		const bucket = h[index];
		const count = h[index + 1];
		if (typeof bucket !== 'number' || typeof count !== 'number' || !(bucket >= 0 && bucket < BUCKET_COUNT) || (bucket | 0) !== bucket || !(count > 0 && count < 1e15)) return -1;
		total += count;
	}
	return total;
}

/**
 * Classifies a parsed line (the value of JSON.parse). Required fields: `perftop` (this version), `time`
 * and `ev`; per event the fields the report is made of. Optional fields that are missing or of the wrong
 * type become null (or 0 for `slow`/`suppressed`; `from` defaults to `time`).
 */
export function readPerfLogRecord(value: unknown): PerfLogLine | PerfLogRejection {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'foreign';
	const line = value as Record<string, unknown>;
	const schema = line['perftop'];
	if (schema === undefined) return 'foreign';
	if (schema !== PERF_LOG_SCHEMA) return 'version';
	const time = line['time'];
	const ev = line['ev'];
	if (!isNum(time) || !isStr(ev)) return 'fields';
	const pid = numOrNull(line['pid']);
	const plugin = line['plugin'] ?? null;
	if (plugin !== null && !isStr(plugin)) return 'fields';
	switch (ev) {
		case 'summary': {
			const {op, from, count, errors, slow, totalMs, minMs, maxMs, h} = line;
			if (!isStr(op) || !isNum(count) || count <= 0 || !isNum(errors) || !isNum(minMs) || !isNum(maxMs) || !Array.isArray(h) || flatHistogramTotal(h) < 0) return 'fields';
			return {
				time,
				pid,
				ev,
				op,
				plugin,
				kind: line['kind'] === 'operation' ? 'operation' : 'hook',
				from: isNum(from) ? from : time,
				count,
				errors,
				slow: isNum(slow) ? slow : 0,
				totalMs: isNum(totalMs) ? totalMs : 0,
				minMs,
				maxMs,
				p50Ms: numOrNull(line['p50Ms']),
				p95Ms: numOrNull(line['p95Ms']),
				p99Ms: numOrNull(line['p99Ms']),
				h: h as number[],
			};
		}
		case 'call.slow': {
			const {op, ms, at, suppressed} = line;
			if (!isStr(op) || !isNum(ms)) return 'fields';
			return {time, pid, ev, op, plugin, ms, at: isNum(at) ? at : time, suppressed: isNum(suppressed) ? suppressed : 0};
		}
		case 'alert': {
			const {id, rule, subject, message, state} = line;
			if (!isStr(rule) || !isStr(subject) || !isStr(state)) return 'fields';
			return {
				time,
				pid,
				ev,
				id: isStr(id) ? id : `${rule}:${subject}`,
				rule,
				subject,
				message: isStr(message) ? message : '',
				value: numOrNull(line['value']),
				threshold: numOrNull(line['threshold']),
				since: numOrNull(line['since']),
				state,
				resolvedAt: numOrNull(line['resolvedAt']),
			};
		}
		case 'plugin.load': {
			if (plugin === null) return 'fields';
			return {
				time,
				pid,
				ev,
				plugin,
				state: strOrNull(line['state']) ?? 'loaded',
				source: strOrNull(line['source']),
				loadMs: numOrNull(line['loadMs']),
				loadBytes: numOrNull(line['loadBytes']),
				loadMemoryMode: strOrNull(line['loadMemoryMode']),
				error: strOrNull(line['error']),
			};
		}
		case 'process': {
			const {rss, heapUsed} = line;
			if (!isNum(rss) || !isNum(heapUsed)) return 'fields';
			return {
				time,
				pid,
				ev,
				rss,
				heapUsed,
				heapTotal: numOrNull(line['heapTotal']),
				external: numOrNull(line['external']),
				arrayBuffers: numOrNull(line['arrayBuffers']),
				cpuPercent: numOrNull(line['cpuPercent']),
				elu: numOrNull(line['elu']),
			};
		}
		case 'cache.summary': {
			const {cache, hits, misses} = line;
			if (!isStr(cache) || !isNum(hits) || !isNum(misses)) return 'fields';
			return {
				time,
				pid,
				ev,
				cache,
				size: numOrNull(line['size']),
				max: numOrNull(line['max']),
				hits,
				misses,
				staleHits: numOrNull(line['staleHits']),
				sets: numOrNull(line['sets']),
				evictions: numOrNull(line['evictions']),
				expirations: numOrNull(line['expirations']),
				deletes: numOrNull(line['deletes']),
				fetches: numOrNull(line['fetches']),
				fetchErrors: numOrNull(line['fetchErrors']),
				hitRatio: numOrNull(line['hitRatio']),
			};
		}
		default:
			return {time, pid, ev: 'other', kind: ev};
	}
}
