/**
 * The perf-log records as the analyzer reads them (schema version 1, see SCHEMA.md), and the one
 * validation step at the edge: a parsed JSON value either becomes a typed record or is classified as
 * foreign (another program's line) or invalid.
 */
import {BUCKET_COUNT} from '../protocol/histogram.js';

/** The schema version this analyzer reads. */
export const SUPPORTED_SCHEMA = 1;

interface Base {
	/** pino's epoch ms. */
	time: number;
	pid: number | null;
}

export interface SummaryRecord extends Base {
	ev: 'summary';
	op: string;
	plugin: string | null;
	from: number;
	count: number;
	errors: number;
	slow: number;
	totalMs: number;
	minMs: number;
	maxMs: number;
	/** Flat [bucket index, count, ...]. Validated lazily by the aggregator (it is the hot part). */
	h: unknown[];
}

export interface SlowCallRecord extends Base {
	ev: 'call.slow';
	op: string;
	plugin: string | null;
	ms: number;
	suppressed: number;
}

export interface AlertRecord extends Base {
	ev: 'alert';
	id: string;
	rule: string;
	subject: string;
	message: string;
	value: number | null;
	threshold: number | null;
	state: string;
}

export interface PluginLoadRecord extends Base {
	ev: 'plugin.load';
	plugin: string;
	state: string;
	loadMs: number | null;
	loadBytes: number | null;
	error: string | null;
}

export interface ProcessRecord extends Base {
	ev: 'process';
	rss: number;
	heapUsed: number;
	heapTotal: number | null;
	cpuPercent: number | null;
	elu: number | null;
}

export interface CacheRecord extends Base {
	ev: 'cache.summary';
	cache: string;
	size: number | null;
	hits: number;
	misses: number;
	evictions: number | null;
	hitRatio: number | null;
}

/** Records the analyzer only counts (start, stop, metrics.reset, cache.clear and future kinds). */
export interface OtherRecord extends Base {
	ev: 'other';
	kind: string;
}

export type PerfRecord = SummaryRecord | SlowCallRecord | AlertRecord | PluginLoadRecord | ProcessRecord | CacheRecord | OtherRecord;

/** Why a line was not used. */
export type Rejection = 'foreign' | 'version' | 'fields';

const isNum = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isStr = (value: unknown): value is string => typeof value === 'string';
const numOrNull = (value: unknown): number | null => (isNum(value) ? value : null);
const strOrNull = (value: unknown): string | null => (isStr(value) ? value : null);

/** Classifies a parsed line. */
export function toRecord(value: unknown): PerfRecord | Rejection {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'foreign';
	const line = value as Record<string, unknown>;
	const schema = line['perftop'];
	if (schema === undefined) return 'foreign';
	if (schema !== SUPPORTED_SCHEMA) return 'version';
	const time = line['time'];
	const ev = line['ev'];
	if (!isNum(time) || !isStr(ev)) return 'fields';
	const pid = numOrNull(line['pid']);
	const plugin = line['plugin'];
	if (plugin !== null && plugin !== undefined && !isStr(plugin)) return 'fields';
	switch (ev) {
		case 'summary': {
			const {op, from, count, errors, totalMs, minMs, maxMs, h} = line;
			if (!isStr(op) || !isNum(count) || count <= 0 || !isNum(errors) || !isNum(minMs) || !isNum(maxMs) || !Array.isArray(h)) return 'fields';
			const slow = line['slow'];
			return {ev, time, pid, op, plugin: plugin ?? null, from: isNum(from) ? from : time, count, errors, slow: isNum(slow) ? slow : 0, totalMs: isNum(totalMs) ? totalMs : 0, minMs, maxMs, h};
		}
		case 'call.slow': {
			const {op, ms, suppressed} = line;
			if (!isStr(op) || !isNum(ms)) return 'fields';
			return {ev, time, pid, op, plugin: plugin ?? null, ms, suppressed: isNum(suppressed) ? suppressed : 0};
		}
		case 'alert': {
			const {id, rule, subject, message, state} = line;
			if (!isStr(rule) || !isStr(subject) || !isStr(state)) return 'fields';
			return {ev, time, pid, id: isStr(id) ? id : `${rule}:${subject}`, rule, subject, message: isStr(message) ? message : '', value: numOrNull(line['value']), threshold: numOrNull(line['threshold']), state};
		}
		case 'plugin.load': {
			if (!isStr(plugin)) return 'fields';
			return {ev, time, pid, plugin, state: strOrNull(line['state']) ?? 'loaded', loadMs: numOrNull(line['loadMs']), loadBytes: numOrNull(line['loadBytes']), error: strOrNull(line['error'])};
		}
		case 'process': {
			const {rss, heapUsed} = line;
			if (!isNum(rss) || !isNum(heapUsed)) return 'fields';
			return {ev, time, pid, rss, heapUsed, heapTotal: numOrNull(line['heapTotal']), cpuPercent: numOrNull(line['cpuPercent']), elu: numOrNull(line['elu'])};
		}
		case 'cache.summary': {
			const {cache, hits, misses} = line;
			if (!isStr(cache) || !isNum(hits) || !isNum(misses)) return 'fields';
			return {ev, time, pid, cache, size: numOrNull(line['size']), hits, misses, evictions: numOrNull(line['evictions']), hitRatio: numOrNull(line['hitRatio'])};
		}
		default:
			return {ev: 'other', time, pid, kind: ev};
	}
}

/**
 * Adds a flat [index, count, ...] histogram into dense buckets. Returns the count added, or -1 when the
 * histogram is malformed (then nothing is added).
 */
export function addFlatHistogram(into: Float64Array, h: unknown[]): number {
	let total = 0;
	for (let index = 0; index < h.length; index += 2) {
		const bucket = h[index];
		const count = h[index + 1];
		if (typeof bucket !== 'number' || typeof count !== 'number' || !(bucket >= 0 && bucket < BUCKET_COUNT) || (bucket | 0) !== bucket || !(count > 0 && count < 1e15)) return -1;
		total += count;
	}
	if (h.length % 2 !== 0) return -1;
	for (let index = 0; index < h.length; index += 2) into[h[index] as number]! += h[index + 1] as number;
	return total;
}
