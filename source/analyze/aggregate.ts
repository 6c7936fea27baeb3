/**
 * Folds perf-log lines into an analysis with memory bounded by the number of series (capped), never by
 * the number of lines: summaries merge into one dense histogram per series, slow calls into a top-N list,
 * alerts into a bounded timeline, process samples into time bins.
 */
import {BUCKET_COUNT, quantileOf} from '../protocol/histogram.js';
import {readPerfLogRecord, type PerfLogLine, type PerfLogLineMeta, type PerfLogSummary} from '../protocol/perf-log.js';
import type {AlertEntry, AnalysisResult, CacheRow, InputReport, LatencyRow, LineCounts, PluginRow, SlowCall} from './result.js';
import {SummaryScanner, type ScannedSummary} from './summary-scanner.js';
import {MemoryTimeline} from './timeline.js';

/** Which records count (the command's --since, --until, --plugin, --hook). */
export interface AnalyzeFilters {
	/** Epoch ms; records before are left out. */
	since?: number;
	/** Epoch ms; records after are left out. */
	until?: number;
	/** Only this plugin's series and events. */
	plugin?: string;
	/** Only this hook/operation's series and slow calls. */
	hook?: string;
}

/** Sizes of the bounded parts of an analysis. */
export interface AggregateOptions {
	/** Length of the slowest-calls list (default 10). */
	top?: number;
	/** Most series kept; further ones fold into `(other)` (default 4096). */
	seriesCap?: number;
	/** Most alert entries kept, the latest (default 500). */
	alertCap?: number;
}

/** The operation name that collects series past the cap. */
export const OTHER_SERIES = '(other)';

interface SeriesAgg {
	plugin: string | null;
	op: string;
	buckets: Float64Array;
	count: number;
	errors: number;
	slow: number;
	totalMs: number;
	minMs: number;
	maxMs: number;
}

interface CacheLast {
	time: number;
	row: CacheRow;
}

/** Folds lines and records into an analysis. */
export class Aggregator {
	readonly lines: LineCounts = {total: 0, records: 0, filtered: 0, foreign: 0, invalid: {json: 0, version: 0, fields: 0, oversized: 0, truncated: 0}};
	readonly #filters: AnalyzeFilters;
	readonly #top: number;
	readonly #seriesCap: number;
	readonly #alertCap: number;
	/** Series by plugin (null: no plugin), then by op. */
	readonly #series = new Map<string | null, Map<string, SeriesAgg>>();
	#seriesCount = 0;
	readonly #scanner = new SummaryScanner();
	#lastPid: number | null = null;
	/** A general-path summary's histogram, copied (see record()). */
	#pairs = new Float64Array(256);
	readonly #loads = new Map<string, {loadMs: number | null; loadBytes: number | null; state: string}>();
	readonly #pids = new Set<number>();
	readonly #caches = new Map<string, CacheLast>();
	readonly #memory = new MemoryTimeline();
	#slowest: SlowCall[] = [];
	#alerts: AlertEntry[] = [];
	#alertTotal = 0;
	#from = Infinity;
	#to = -Infinity;
	#capped = false;

	constructor(filters: AnalyzeFilters = {}, options: AggregateOptions = {}) {
		this.#filters = filters;
		this.#top = Math.max(0, options.top ?? 10);
		this.#seriesCap = Math.max(1, options.seriesCap ?? 4096);
		this.#alertCap = Math.max(1, options.alertCap ?? 500);
	}

	/**
	 * One line: bytes[start, end) without the newline. `last`: a final line without newline (may have been
	 * cut off). Summaries as the host writes them take the fast path; every other line is decoded, parsed
	 * and validated.
	 */
	line(bytes: Buffer, start: number, end: number, last = false): void {
		this.lines.total++;
		const summary = this.#scanner.scan(bytes, start, end);
		if (summary !== null) {
			this.lines.records++;
			this.#summaryRecord(summary, summary.pairs, summary.pairCount);
			return;
		}
		let value: unknown;
		try {
			value = JSON.parse(bytes.toString('utf8', start, end));
		} catch {
			if (last) this.lines.invalid.truncated++;
			else this.lines.invalid.json++;
			return;
		}
		const record = readPerfLogRecord(value);
		if (typeof record === 'string') {
			if (record === 'foreign') this.lines.foreign++;
			else this.lines.invalid[record]++;
			return;
		}
		this.lines.records++;
		this.record(record);
	}

	/** Adds lines skipped for length by the reader. */
	oversized(count: number): void {
		this.lines.total += count;
		this.lines.invalid.oversized += count;
	}

	/** One validated record (not kept: a summary's record may be reused by the caller). */
	record(record: PerfLogLine): void {
		const {since, until, plugin, hook} = this.#filters;
		if ((since !== undefined && record.time < since) || (until !== undefined && record.time > until)) {
			this.lines.filtered++;
			return;
		}
		switch (record.ev) {
			case 'summary': {
				// The histogram as the fast path hands it over: one element type keeps the merge loop monomorphic.
				if (this.#pairs.length < record.h.length) this.#pairs = new Float64Array(record.h.length);
				this.#pairs.set(record.h);
				this.#summaryRecord(record, this.#pairs, record.h.length);
				return;
			}
			case 'call.slow':
				if ((plugin !== undefined && record.plugin !== plugin) || (hook !== undefined && record.op !== hook)) break;
				this.#slowCall({time: record.time, pid: record.pid, plugin: record.plugin, op: record.op, ms: record.ms, suppressed: record.suppressed});
				this.#seen(record.time, record.pid);
				return;
			case 'alert':
				if (plugin !== undefined && record.subject !== plugin && !record.subject.startsWith(`${plugin}:`) && !record.subject.startsWith(`${plugin}/`)) break;
				this.#alert({time: record.time, state: record.state, rule: record.rule, subject: record.subject, message: record.message, value: record.value, threshold: record.threshold});
				this.#seen(record.time, record.pid);
				return;
			case 'plugin.load':
				if (plugin !== undefined && record.plugin !== plugin) break;
				if (this.#loads.size < this.#seriesCap || this.#loads.has(record.plugin)) this.#loads.set(record.plugin, {loadMs: record.loadMs, loadBytes: record.loadBytes, state: record.state});
				this.#seen(record.time, record.pid);
				return;
			case 'process':
				this.#memory.add(record.time, record.rss, record.heapUsed, record.cpuPercent);
				this.#seen(record.time, record.pid);
				return;
			case 'cache.summary': {
				if (plugin !== undefined || hook !== undefined) break;
				const key = `${record.pid ?? ''}\u0000${record.cache}`;
				const previous = this.#caches.get(key);
				if (previous ? previous.time <= record.time : this.#caches.size < this.#seriesCap) {
					this.#caches.set(key, {time: record.time, row: {cache: record.cache, size: record.size, hits: record.hits, misses: record.misses, evictions: record.evictions, hitRatio: record.hitRatio}});
				}
				this.#seen(record.time, record.pid);
				return;
			}
			default:
				this.#seen(record.time, record.pid);
				return;
		}
		this.lines.filtered++;
	}

	#seen(time: number, pid: number | null): void {
		if (time < this.#from) this.#from = time;
		if (time > this.#to) this.#to = time;
		if (pid !== null && pid !== this.#lastPid && this.#pids.size < 100_000) {
			this.#pids.add(pid);
			this.#lastPid = pid;
		}
	}

	/** A summary; its histogram is h[0, length). */
	#summaryRecord(record: PerfLogLineMeta & Omit<PerfLogSummary, 'h'>, h: Float64Array, length: number): void {
		const {since, until, plugin, hook} = this.#filters;
		if ((since !== undefined && record.time < since) || (until !== undefined && record.time > until) || (plugin !== undefined && record.plugin !== plugin) || (hook !== undefined && record.op !== hook)) {
			this.lines.filtered++;
			return;
		}
		const series = this.#seriesOf(record.plugin, record.op);
		let added = 0;
		const buckets = series.buckets;
		for (let index = 0; index < length; index += 2) {
			const count = h[index + 1]!;
			buckets[h[index]!]! += count;
			added += count;
		}
		series.count += added;
		series.errors += record.errors;
		series.slow += record.slow;
		series.totalMs += record.totalMs;
		if (record.minMs < series.minMs) series.minMs = record.minMs;
		if (record.maxMs > series.maxMs) series.maxMs = record.maxMs;
		this.#seen(record.time, record.pid);
		if (record.from < this.#from) this.#from = record.from;
	}

	/** The series of (plugin, op); past the cap, the shared `(other)` series. */
	#seriesOf(plugin: string | null, op: string): SeriesAgg {
		let byOp = this.#series.get(plugin);
		let series = byOp?.get(op);
		if (series) return series;
		// Past the cap, calls fold into one more series, `(other)`.
		if (this.#seriesCount >= this.#seriesCap && !(plugin === null && op === OTHER_SERIES)) {
			this.#capped = true;
			return this.#seriesOf(null, OTHER_SERIES);
		}
		if (!byOp) this.#series.set(plugin, (byOp = new Map()));
		series = {plugin, op, buckets: new Float64Array(BUCKET_COUNT), count: 0, errors: 0, slow: 0, totalMs: 0, minMs: Infinity, maxMs: 0};
		byOp.set(op, series);
		this.#seriesCount++;
		return series;
	}

	#slowCall(call: SlowCall): void {
		if (this.#top === 0) return;
		const list = this.#slowest;
		if (list.length >= this.#top && call.ms <= list[list.length - 1]!.ms) return;
		let index = list.length;
		while (index > 0 && list[index - 1]!.ms < call.ms) index--;
		list.splice(index, 0, call);
		if (list.length > this.#top) list.pop();
	}

	#alert(entry: AlertEntry): void {
		this.#alertTotal++;
		this.#alerts.push(entry);
		if (this.#alerts.length >= this.#alertCap * 2) this.#alerts = latest(this.#alerts, this.#alertCap);
	}

	/** The analysis of everything added so far. */
	result(inputs: InputReport[], problems: string[]): AnalysisResult {
		const hooks: LatencyRow[] = [];
		const byPlugin = new Map<string | null, SeriesAgg>();
		for (const series of [...this.#series.values()].flatMap(byOp => [...byOp.values()])) {
			hooks.push(row(series, series.op));
			let merged = byPlugin.get(series.plugin);
			if (!merged) byPlugin.set(series.plugin, (merged = {plugin: series.plugin, op: '', buckets: new Float64Array(BUCKET_COUNT), count: 0, errors: 0, slow: 0, totalMs: 0, minMs: Infinity, maxMs: 0}));
			for (let index = 0; index < BUCKET_COUNT; index++) merged.buckets[index]! += series.buckets[index]!;
			merged.count += series.count;
			merged.errors += series.errors;
			merged.slow += series.slow;
			merged.totalMs += series.totalMs;
			merged.minMs = Math.min(merged.minMs, series.minMs);
			merged.maxMs = Math.max(merged.maxMs, series.maxMs);
		}
		const plugins: PluginRow[] = [];
		const names = new Set<string | null>([...byPlugin.keys(), ...this.#loads.keys()]);
		for (const name of names) {
			if (name === null) continue;
			const merged = byPlugin.get(name);
			const load = this.#loads.get(name);
			const base = merged ? row(merged, null) : row({plugin: name, op: '', buckets: new Float64Array(0), count: 0, errors: 0, slow: 0, totalMs: 0, minMs: Infinity, maxMs: 0}, null);
			plugins.push({...base, loadMs: load?.loadMs ?? null, loadBytes: load?.loadBytes ?? null, state: load?.state ?? null});
		}
		plugins.sort((a, b) => b.totalMs - a.totalMs || String(a.plugin).localeCompare(String(b.plugin)));
		hooks.sort((a, b) => String(a.plugin ?? '').localeCompare(String(b.plugin ?? '')) || String(a.op).localeCompare(String(b.op)));
		const timeline = latest(this.#alerts, this.#alertCap);
		return {
			format: 'perftop-analysis',
			version: 1,
			inputs,
			problems,
			lines: this.lines,
			span: {from: Number.isFinite(this.#from) ? this.#from : null, to: Number.isFinite(this.#to) ? this.#to : null},
			processes: this.#pids.size,
			seriesCapped: this.#capped,
			plugins,
			hooks,
			slowest: [...this.#slowest],
			alerts: {total: this.#alertTotal, omitted: this.#alertTotal - timeline.length, timeline},
			memory: this.#memory.bins(),
			caches: mergeCaches([...this.#caches.values()]),
		};
	}
}

function latest(entries: AlertEntry[], cap: number): AlertEntry[] {
	return [...entries].sort((a, b) => a.time - b.time).slice(-cap);
}

function row(series: SeriesAgg, op: string | null): LatencyRow {
	const has = series.count > 0;
	const minNs = series.minMs * 1e6;
	const maxNs = series.maxMs * 1e6;
	const q = (p: number) => {
		if (!has) return null;
		const value = quantileOf(series.buckets, series.count, p, minNs, maxNs);
		return value === null ? null : value / 1e6;
	};
	return {
		plugin: series.plugin,
		op,
		calls: series.count,
		errors: series.errors,
		errorRate: has ? series.errors / series.count : 0,
		slow: series.slow,
		totalMs: series.totalMs,
		meanMs: has ? series.totalMs / series.count : null,
		p50Ms: q(0.5),
		p95Ms: q(0.95),
		p99Ms: q(0.99),
		minMs: has ? series.minMs : null,
		maxMs: has ? series.maxMs : null,
	};
}

function mergeCaches(entries: CacheLast[]): CacheRow[] {
	const byName = new Map<string, CacheRow>();
	for (const {row: cache} of entries) {
		const into = byName.get(cache.cache);
		if (!into) {
			byName.set(cache.cache, {...cache});
			continue;
		}
		into.hits += cache.hits;
		into.misses += cache.misses;
		into.size = into.size === null || cache.size === null ? (into.size ?? cache.size) : into.size + cache.size;
		into.evictions = into.evictions === null || cache.evictions === null ? (into.evictions ?? cache.evictions) : into.evictions + cache.evictions;
	}
	for (const cache of byName.values()) cache.hitRatio = cache.hits + cache.misses > 0 ? cache.hits / (cache.hits + cache.misses) : null;
	return [...byName.values()].sort((a, b) => a.cache.localeCompare(b.cache));
}
