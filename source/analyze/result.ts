/**
 * What an analysis produces, as plain data (this is also the `--json` output).
 */
import type {MemoryBin} from './timeline.js';

/** Latency of one series (plugin + hook) or of a plugin's series merged. Times in ms. */
export interface LatencyRow {
	plugin: string | null;
	/** The hook/operation; null on a plugin row. */
	op: string | null;
	calls: number;
	errors: number;
	/** errors / calls. */
	errorRate: number;
	/** Calls over the host's response-time threshold. */
	slow: number;
	totalMs: number;
	meanMs: number | null;
	p50Ms: number | null;
	p95Ms: number | null;
	p99Ms: number | null;
	minMs: number | null;
	maxMs: number | null;
}

/** A plugin row with its load record, when the log has one. */
export interface PluginRow extends LatencyRow {
	loadMs: number | null;
	loadBytes: number | null;
	state: string | null;
}

/** One call logged as slow (over the host's responseTime threshold). */
export interface SlowCall {
	time: number;
	pid: number | null;
	plugin: string | null;
	op: string;
	ms: number;
	/** Slow calls of the same series not logged individually before this one. */
	suppressed: number;
}

/** One alert change as the log recorded it. */
export interface AlertEntry {
	time: number;
	state: string;
	rule: string;
	subject: string;
	message: string;
	value: number | null;
	threshold: number | null;
}

/** One cache's statistics over the analyzed period. */
export interface CacheRow {
	cache: string;
	/** Last values reported, summed over processes. */
	size: number | null;
	hits: number;
	misses: number;
	evictions: number | null;
	hitRatio: number | null;
}

/** One input file and how reading it went. */
export interface InputReport {
	path: string;
	gzip: boolean;
	bytes: number;
	lines: number;
	/** Why reading stopped early or did not start, null when the file was read to its end. */
	error: string | null;
}

/** Lines that were not used, by reason. */
export interface LineCounts {
	/** Non-empty lines seen. */
	total: number;
	/** perf-log records used or filtered. */
	records: number;
	/** Records left out by --since/--until/--plugin/--hook. */
	filtered: number;
	/** Valid JSON without a `perftop` field: other programs' lines in the same file. */
	foreign: number;
	invalid: {
		/** Not JSON (garbage, or a line cut apart, e.g. at a rotation boundary). */
		json: number;
		/** A perf-log schema version this analyzer does not read. */
		version: number;
		/** Required fields missing or of the wrong type, or a malformed histogram. */
		fields: number;
		/** Longer than the line cap; skipped without being held in memory. */
		oversized: number;
		/** A last line without newline that did not parse (a file cut off while written). */
		truncated: number;
	};
}

/** Everything `perftop analyze` found: inputs, line counts, per-plugin and per-series latency, slow calls, alerts, caches and the memory timeline (the JSON output's shape). */
export interface AnalysisResult {
	format: 'perftop-analysis';
	version: 1;
	inputs: InputReport[];
	/** Problems with inputs as sentences (missing files, damaged gzip, empty directories). */
	problems: string[];
	lines: LineCounts;
	/** Time covered by the used records, epoch ms. */
	span: {from: number | null; to: number | null};
	/** Distinct process ids seen. */
	processes: number;
	/** True when more distinct series than the cap appeared; the rest were folded into `(other)`. */
	seriesCapped: boolean;
	plugins: PluginRow[];
	hooks: LatencyRow[];
	slowest: SlowCall[];
	alerts: {total: number; omitted: number; timeline: AlertEntry[]};
	memory: MemoryBin[];
	caches: CacheRow[];
}

/** Number of invalid lines of all kinds. */
export function invalidCount(lines: LineCounts): number {
	const invalid = lines.invalid;
	return invalid.json + invalid.version + invalid.fields + invalid.oversized + invalid.truncated;
}
