/**
 * Builds per-plugin summaries (load record + all of the plugin's series merged exactly, bucket by bucket)
 * and the list of series that belong to no plugin. Everything returned is plain, JSON-serializable data.
 */
import {BUCKET_COUNT} from '../protocol/histogram.js';
import type {PluginSummary, SeriesSummary} from '../protocol/snapshot.js';
import type {SeriesRegistry} from './metrics/registry.js';
import {latencyStats, windowStats, type Series} from './metrics/series.js';
import type {PluginLoadRecord} from './monitor.js';

/** One plugin's series merged. */
class Aggregate {
	readonly all = new Float64Array(BUCKET_COUNT);
	readonly recent = new Float64Array(BUCKET_COUNT);
	count = 0;
	timed = 0;
	errors = 0;
	sumNs = 0;
	minNs = Infinity;
	maxNs = 0;
	recentCount = 0;
	recentErrors = 0;
	hookMs = 0;

	add(series: Series): void {
		const buckets = series.buckets;
		for (let index = 0; index < buckets.length; index++) {
			const value = buckets[index]!;
			if (value !== 0) this.all[index]! += value;
		}
		this.count += series.count;
		this.timed += series.timedCount;
		this.errors += series.errors;
		this.sumNs += series.sumNs;
		if (series.minNs < this.minNs) this.minNs = series.minNs;
		if (series.maxNs > this.maxNs) this.maxNs = series.maxNs;
		const [count, errors] = series.addWindow(this.recent);
		this.recentCount += count;
		this.recentErrors += errors;
		if (series.kind === 'hook') this.hookMs += series.sumNs / 1e6;
	}
}

/** Per-plugin summaries for every known plugin (load records and plugins seen in series), plus plugin-less series. */
export function buildPluginSummaries(records: PluginLoadRecord[], registry: SeriesRegistry): {plugins: PluginSummary[]; series: SeriesSummary[]} {
	registry.advance();
	const windowMs = registry.windowMs();
	const scratch = new Float64Array(BUCKET_COUNT);
	const hooksOf = new Map<string, SeriesSummary[]>();
	const aggregates = new Map<string, Aggregate>();
	const loose: SeriesSummary[] = [];
	let totalHookMs = 0;
	for (const series of registry.all()) {
		const summary = series.summary(windowMs, scratch);
		if (series.plugin === null) {
			loose.push(summary);
			continue;
		}
		let hooks = hooksOf.get(series.plugin);
		if (!hooks) hooksOf.set(series.plugin, (hooks = []));
		hooks.push(summary);
		let aggregate = aggregates.get(series.plugin);
		if (!aggregate) aggregates.set(series.plugin, (aggregate = new Aggregate()));
		aggregate.add(series);
		if (series.kind === 'hook') totalHookMs += series.sumNs / 1e6;
	}
	const recordOf = new Map(records.map(record => [record.name, record]));
	const names = new Set<string>([...recordOf.keys(), ...hooksOf.keys()]);
	const empty = new Aggregate();
	const plugins: PluginSummary[] = [];
	for (const name of names) {
		const record = recordOf.get(name);
		const aggregate = aggregates.get(name) ?? empty;
		plugins.push({
			name,
			state: record?.state ?? 'loaded',
			source: record?.source ?? null,
			loadMs: record?.loadMs ?? null,
			loadBytes: record?.loadBytes ?? null,
			loadMemoryMode: record?.loadMemoryMode ?? null,
			error: record?.error ?? null,
			calls: latencyStats(aggregate.all, aggregate.count, aggregate.errors, aggregate.sumNs, aggregate.minNs, aggregate.maxNs, aggregate.timed),
			recent: windowStats(aggregate.recent, aggregate.recentCount, aggregate.recentErrors, windowMs),
			hookShare: totalHookMs > 0 ? aggregate.hookMs / totalHookMs : 0,
			hooks: hooksOf.get(name) ?? [],
		});
	}
	return {plugins, series: loose};
}
