/**
 * Builds per-plugin summaries (load record + all of the plugin's series merged exactly, bucket by bucket)
 * and the list of series that belong to no plugin. Everything returned is plain, JSON-serializable data,
 * fresh on every call.
 *
 * Built for every snapshot, so it keeps the work proportional to what changed: each series caches its own
 * statistics (see Series), and a plugin's merged statistics are cached under a key of the sums of its
 * series' call counts and rotations: rotations only grow, counts only grow between resets, and a reset
 * counts as a rotation, so an equal key means no series of the plugin changed. Merges read only the bucket range each series uses.
 */
import {BUCKET_COUNT} from '../../protocol/histogram.js';
import type {LatencyStats, PluginSummary, SeriesSummary, WindowStats} from '../../protocol/snapshot.js';
import type {SeriesRegistry} from '../metrics/registry.js';
import {copyStats, latencyStats, windowStats, withRates, type Series} from '../metrics/series.js';
import type {PluginLoadRecord} from './options.js';

/** A plugin's merged statistics and the key they were computed under. */
interface Merged {
	members: number;
	counts: number;
	rotations: number;
	calls: LatencyStats;
	/** Window statistics computed with a window length of 1 s; rates are rescaled to the real length. */
	recent: WindowStats;
	recentCount: number;
	recentErrors: number;
}

const EMPTY: Merged = {
	members: 0,
	counts: 0,
	rotations: 0,
	calls: latencyStats([], 0, 0, 0, Infinity, 0),
	recent: windowStats([], 0, 0, 1000),
	recentCount: 0,
	recentErrors: 0,
};

/**
 * Builds summaries for one registry, reusing what has not changed since the previous build (see the file
 * comment). Holds two bucket arrays and one small record per plugin.
 */
export class PluginRollup {
	readonly #registry: SeriesRegistry;
	readonly #all = new Float64Array(BUCKET_COUNT);
	readonly #recent = new Float64Array(BUCKET_COUNT);
	readonly #merged = new Map<string, Merged>();

	constructor(registry: SeriesRegistry) {
		this.#registry = registry;
	}

	/** Per-plugin summaries for every known plugin (load records and plugins seen in series), plus plugin-less series. */
	build(records: Iterable<PluginLoadRecord>): {plugins: PluginSummary[]; series: SeriesSummary[]} {
		const registry = this.#registry;
		registry.advance();
		const windowMs = registry.windowMs();
		const membersOf = new Map<string, Series[]>();
		const hooksOf = new Map<string, SeriesSummary[]>();
		const loose: SeriesSummary[] = [];
		/** Busy time of each plugin with hook series (their shared Busy read once, the open interval up to now included). */
		const busyOf = new Map<string, number>();
		let totalBusyNs = 0;
		for (const series of registry.all()) {
			const summary = series.summary(windowMs);
			if (series.plugin === null) {
				loose.push(summary);
				continue;
			}
			let hooks = hooksOf.get(series.plugin);
			if (!hooks) {
				hooksOf.set(series.plugin, (hooks = []));
				membersOf.set(series.plugin, []);
			}
			hooks.push(summary);
			membersOf.get(series.plugin)!.push(series);
			if (series.kind === 'hook' && !busyOf.has(series.plugin)) {
				const busyNs = registry.busyNs(series);
				busyOf.set(series.plugin, busyNs);
				totalBusyNs += busyNs;
			}
		}
		const recordOf = new Map<string, PluginLoadRecord>();
		for (const record of records) recordOf.set(record.name, record);
		const names = new Set<string>([...recordOf.keys(), ...hooksOf.keys()]);
		const plugins: PluginSummary[] = [];
		for (const name of names) {
			const record = recordOf.get(name);
			const members = membersOf.get(name);
			const merged = members ? this.#mergedOf(name, members) : EMPTY;
			const busyNs = busyOf.get(name);
			plugins.push({
				name,
				state: record?.state ?? 'loaded',
				source: record?.source ?? null,
				loadMs: record?.loadMs ?? null,
				loadBytes: record?.loadBytes ?? null,
				loadMemoryMode: record?.loadMemoryMode ?? null,
				error: record?.error ?? null,
				calls: copyStats(merged.calls),
				recent: withRates(merged.recent, merged.recentCount, merged.recentErrors, windowMs),
				hookShare: totalBusyNs > 0 && busyNs !== undefined ? busyNs / totalBusyNs : 0,
				...(busyNs !== undefined ? {busyMs: busyNs / 1e6} : {}),
				hooks: hooksOf.get(name) ?? [],
			});
		}
		for (const name of this.#merged.keys()) if (!membersOf.has(name)) this.#merged.delete(name);
		return {plugins, series: loose};
	}

	/** The merged statistics of one plugin's series, from the cache when none of them changed. */
	#mergedOf(name: string, members: Series[]): Merged {
		let counts = 0;
		let rotations = 0;
		for (const series of members) {
			counts += series.count;
			rotations += series.rotations;
		}
		const cached = this.#merged.get(name);
		if (cached && cached.members === members.length && cached.counts === counts && cached.rotations === rotations) return cached;
		const merged = this.#merge(members);
		merged.members = members.length;
		merged.counts = counts;
		merged.rotations = rotations;
		this.#merged.set(name, merged);
		return merged;
	}

	/** Merges the series' histograms exactly, bucket by bucket, over the range they use. */
	#merge(members: Series[]): Merged {
		let low = BUCKET_COUNT;
		let high = -1;
		for (const series of members) {
			const seriesHigh = series.high;
			if (seriesHigh < 0) continue;
			if (series.low < low) low = series.low;
			if (seriesHigh > high) high = seriesHigh;
		}
		const all = this.#all;
		const recent = this.#recent;
		if (high >= low) {
			all.fill(0, low, high + 1);
			recent.fill(0, low, high + 1);
		}
		let count = 0;
		let timed = 0;
		let errors = 0;
		let sumNs = 0;
		let minNs = Infinity;
		let maxNs = 0;
		let recentCount = 0;
		let recentErrors = 0;
		for (const series of members) {
			const counts = series.counts;
			const countsBase = series.countsBase;
			const seriesHigh = series.high;
			for (let index = series.low; index <= seriesHigh; index++) all[index]! += counts[index - countsBase]!;
			count += series.count;
			timed += series.timedCount;
			errors += series.errors;
			sumNs += series.sumNs;
			if (series.minNs < minNs) minNs = series.minNs;
			if (series.maxNs > maxNs) maxNs = series.maxNs;
			const [windowCount, windowErrors] = series.addWindow(recent);
			recentCount += windowCount;
			recentErrors += windowErrors;
		}
		return {
			members: 0,
			counts: 0,
			rotations: 0,
			calls: latencyStats(all, count, errors, sumNs, minNs, maxNs, timed, low, high),
			recent: windowStats(recent, recentCount, recentErrors, 1000, low, high),
			recentCount,
			recentErrors,
		};
	}
}
