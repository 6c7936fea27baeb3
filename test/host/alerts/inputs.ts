/** Builders of alert-engine inputs for tests. */
import type {AlertInput} from '../../../source/host/alerts/engine.js';
import type {PluginSummary, ProcessSection, SeriesSummary, WindowStats} from '../../../source/protocol/snapshot.js';

export const MB = 1048576;

export function processSection(at: number, overrides: Partial<ProcessSection> = {}): ProcessSection {
	return {
		sampledAt: at,
		uptimeS: 10,
		rss: 100 * MB,
		heapUsed: 40 * MB,
		heapTotal: 60 * MB,
		external: 0,
		arrayBuffers: 0,
		cpuPercent: 5,
		eventLoop: {p50Ms: 1, p99Ms: 5, maxMs: 9, utilization: 0.1},
		gc: null,
		baselineRss: 100 * MB,
		budgetRss: 120 * MB,
		rssHistory: [],
		heapGrowth: null,
		...overrides,
	};
}

function windowStats(count: number, p95Ms: number | null): WindowStats {
	return {count, errors: 0, totalMs: 0, minMs: null, maxMs: null, meanMs: null, p50Ms: p95Ms, p95Ms, p99Ms: p95Ms, windowMs: 60_000, rate: count / 60, errorRate: 0};
}

export function series(op: string, plugin: string | null, recentCount: number, p95Ms: number | null): SeriesSummary {
	return {...windowStats(recentCount, p95Ms), op, plugin, kind: plugin ? 'hook' : 'operation', recent: windowStats(recentCount, p95Ms), slow: 0};
}

export function plugin(name: string, loadMs: number | null, loadBytes: number | null, state: PluginSummary['state'] = 'loaded'): PluginSummary {
	return {name, state, source: null, loadMs, loadBytes, loadMemoryMode: 'gc', error: null, calls: windowStats(0, null), recent: windowStats(0, null), hookShare: 0, hooks: []};
}

export function input(now: number, parts: Partial<Omit<AlertInput, 'now'>> = {}): AlertInput {
	return {now, process: null, system: null, plugins: [], series: [], ...parts};
}
