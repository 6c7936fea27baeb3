/**
 * Builds per-plugin summaries (load record + merged series) and the list of plugin-less series.
 */
import {BUCKET_COUNT} from '../protocol/histogram.js';
import type {PluginSummary, SeriesSummary} from '../protocol/snapshot.js';
import type {SeriesRegistry} from './metrics/registry.js';
import {latencyStats, windowStats} from './metrics/series.js';
import type {PluginLoadRecord} from './monitor.js';

export function buildPluginSummaries(records: PluginLoadRecord[], registry: SeriesRegistry): {plugins: PluginSummary[]; series: SeriesSummary[]} {
	const windowMs = registry.windowMs();
	const scratch = new Float64Array(BUCKET_COUNT);
	const byPlugin = new Map<string, SeriesSummary[]>();
	const loose: SeriesSummary[] = [];
	const merged = new Map<string, {all: Float64Array; recent: Float64Array; count: number; errors: number; sumNs: number; min: number; max: number; rCount: number; rErrors: number}>();
	let totalHookMs = 0;
	for (const series of registry.all()) {
		const summary = series.summary(windowMs, scratch);
		if (series.plugin === null) {
			loose.push(summary);
			continue;
		}
		if (series.kind === 'hook') totalHookMs += summary.totalMs;
		let list = byPlugin.get(series.plugin);
		if (!list) byPlugin.set(series.plugin, (list = []));
		list.push(summary);
		let agg = merged.get(series.plugin);
		if (!agg) {
			agg = {all: new Float64Array(BUCKET_COUNT), recent: new Float64Array(BUCKET_COUNT), count: 0, errors: 0, sumNs: 0, min: Infinity, max: 0, rCount: 0, rErrors: 0};
			merged.set(series.plugin, agg);
		}
		const buckets = series.buckets;
		for (let index = 0; index < buckets.length; index++) if (buckets[index] !== 0) agg.all[index]! += buckets[index]!;
		agg.count += series.count;
		agg.errors += series.errors;
		agg.sumNs += series.sumNs;
		agg.min = Math.min(agg.min, series.minNs);
		agg.max = Math.max(agg.max, series.maxNs);
		const [rCount, rErrors] = series.addWindow(agg.recent);
		agg.rCount += rCount;
		agg.rErrors += rErrors;
	}
	const names = new Set<string>([...records.map(record => record.name), ...byPlugin.keys()]);
	const recordOf = new Map(records.map(record => [record.name, record]));
	const plugins: PluginSummary[] = [];
	for (const name of names) {
		const record = recordOf.get(name);
		const agg = merged.get(name);
		const hooks = byPlugin.get(name) ?? [];
		const hookMs = hooks.filter(hook => hook.kind === 'hook').reduce((sum, hook) => sum + hook.totalMs, 0);
		const empty = new Float64Array(0);
		plugins.push({
			name,
			state: record?.state ?? 'loaded',
			source: record?.source ?? null,
			loadMs: record?.loadMs ?? null,
			loadBytes: record?.loadBytes ?? null,
			loadMemoryMode: record?.loadMemoryMode ?? null,
			error: record?.error ?? null,
			calls: agg ? latencyStats(agg.all, agg.count, agg.errors, agg.sumNs, agg.min, agg.max) : latencyStats(empty, 0, 0, 0, Infinity, 0),
			recent: windowStats(agg ? agg.recent : empty, agg?.rCount ?? 0, agg?.rErrors ?? 0, windowMs),
			hookShare: totalHookMs > 0 ? hookMs / totalHookMs : 0,
			hooks,
		});
	}
	return {plugins, series: loose};
}
