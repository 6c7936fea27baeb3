/**
 * The alert rules: each turns the monitor's data into observations (subject, value, threshold, and whether
 * the value is over the raise level or under the clear level). The engine owns state, hysteresis counts and
 * cooldowns; rules are pure.
 */
import type {PluginSummary, ProcessSection, SeriesSummary, SystemSection} from '../../protocol/snapshot.js';
import type {PerformanceThresholds} from './thresholds.js';

/** Names of the built-in rules. */
export type AlertRuleName = 'plugin-load-time' | 'plugin-load-memory' | 'response-time' | 'memory-budget' | 'heap-growth' | 'cpu' | 'event-loop-delay';

/** What the rules look at (the monitor's current data). */
export interface AlertInput {
	now: number;
	process: ProcessSection | null;
	system: SystemSection | null;
	plugins: PluginSummary[];
	series: SeriesSummary[];
}

/** One rule's verdict on one subject. */
export interface Observation {
	subject: string;
	value: number;
	threshold: number;
	message: string;
	/** Over the raise level. */
	above: boolean;
	/** Under the clear level (threshold lowered by the hysteresis). */
	clear: boolean;
	/**
	 * Identifies the sample the value came from (process rules: sampledAt). A repeated key does not count
	 * again toward raiseAfter/resolveAfter; null counts every evaluation.
	 */
	sample: number | null;
}

/** What a rule is given besides the input. */
export interface RuleContext {
	thresholds: PerformanceThresholds;
	/** Clear level = threshold x (1 - hysteresis). */
	hysteresis: number;
	/** Calls needed in a series' recent window before its p95 is judged. */
	minCalls: number;
}

/** A rule; `observe` returns null when it has no data to judge (alerts then keep their state). */
export interface AlertRule {
	name: AlertRuleName;
	/** Observations in a row needed to raise / to resolve. */
	raiseAfter: number;
	resolveAfter: number;
	/** Default hysteresis when the options do not set one for this rule. */
	hysteresis?: number;
	observe(input: AlertInput, context: RuleContext): Observation[] | null;
}

function levels(value: number, threshold: number, hysteresis: number): {above: boolean; clear: boolean} {
	return {above: value > threshold, clear: value <= threshold * (1 - hysteresis)};
}

/** Formats a byte count as MB with one decimal. */
export function mb(bytes: number): string {
	return `${(bytes / 1048576).toFixed(1)} MB`;
}

function ms(value: number): string {
	return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value >= 10 ? 0 : 1)} ms`;
}

function seriesName(series: SeriesSummary): string {
	return series.plugin === null ? series.op : `${series.plugin}/${series.op}`;
}

function loadedPlugins(input: AlertInput): PluginSummary[] {
	return input.plugins.filter(plugin => plugin.state === 'loaded' || plugin.state === 'failed');
}

const pluginLoadTime: AlertRule = {
	name: 'plugin-load-time',
	raiseAfter: 1,
	resolveAfter: 1,
	observe(input, {thresholds, hysteresis}) {
		return loadedPlugins(input).flatMap(plugin => {
			if (plugin.loadMs === null) return [];
			const threshold = thresholds.pluginLoadTime;
			const message = `plugin ${plugin.name} took ${ms(plugin.loadMs)} to load (threshold ${ms(threshold)})`;
			return [{subject: plugin.name, value: plugin.loadMs, threshold, message, sample: null, ...levels(plugin.loadMs, threshold, hysteresis)}];
		});
	},
};

const pluginLoadMemory: AlertRule = {
	name: 'plugin-load-memory',
	raiseAfter: 1,
	resolveAfter: 1,
	observe(input, {thresholds, hysteresis}) {
		return loadedPlugins(input).flatMap(plugin => {
			if (plugin.loadBytes === null) return [];
			const threshold = thresholds.pluginLoadMemory;
			const message = `plugin ${plugin.name} grew the heap by ${mb(plugin.loadBytes)} while loading (threshold ${mb(threshold)})`;
			return [{subject: plugin.name, value: plugin.loadBytes, threshold, message, sample: null, ...levels(plugin.loadBytes, threshold, hysteresis)}];
		});
	},
};

const responseTime: AlertRule = {
	name: 'response-time',
	raiseAfter: 1,
	resolveAfter: 1,
	observe(input, {thresholds, hysteresis, minCalls}) {
		const threshold = thresholds.responseTime;
		return input.series.map(series => {
			const p95 = series.recent.p95Ms;
			const subject = seriesName(series);
			// Too few recent calls to judge: treated as clear, so an alert resolves once traffic stops.
			if (p95 === null || series.recent.count < minCalls) {
				return {subject, value: p95 ?? 0, threshold, message: `${subject}: too few recent calls to judge`, above: false, clear: true, sample: null};
			}
			const message = `${subject} p95 ${ms(p95)} over the last ${Math.round(series.recent.windowMs / 1000)} s (threshold ${ms(threshold)})`;
			return {subject, value: p95, threshold, message, sample: null, ...levels(p95, threshold, hysteresis)};
		});
	},
};

const memoryBudget: AlertRule = {
	name: 'memory-budget',
	raiseAfter: 3,
	resolveAfter: 3,
	hysteresis: 0.05,
	observe({process}, {thresholds, hysteresis}) {
		if (!process || process.baselineRss === null) return null;
		const threshold = Math.round(process.baselineRss * (1 + thresholds.memoryIncrease));
		const increase = (process.rss / process.baselineRss - 1) * 100;
		const message = `RSS ${mb(process.rss)} is ${increase.toFixed(0)} % over the baseline ${mb(process.baselineRss)} (budget ${mb(threshold)})`;
		return [{subject: 'process', value: process.rss, threshold, message, sample: process.sampledAt, ...levels(process.rss, threshold, hysteresis)}];
	},
};

const heapGrowth: AlertRule = {
	name: 'heap-growth',
	raiseAfter: 1,
	resolveAfter: 1,
	observe({process}) {
		const growth = process?.heapGrowth;
		if (!process || !growth || growth.fromBytes === null || growth.toBytes === null || growth.sinceAt === null) return null;
		const span = process.sampledAt - growth.sinceAt;
		const over = span < 120_000 ? `${Math.round(span / 1000)} s` : `${(span / 60_000).toFixed(1)} min`;
		const message = `heap after major GC rose ${growth.rises} times in a row over ${over}: ${mb(growth.fromBytes)} -> ${mb(growth.toBytes)}`;
		return [{subject: 'process', value: growth.toBytes, threshold: growth.fromBytes, message, above: growth.growing, clear: !growth.growing, sample: process.sampledAt}];
	},
};

const cpu: AlertRule = {
	name: 'cpu',
	raiseAfter: 5,
	resolveAfter: 3,
	observe({process}, {thresholds, hysteresis}) {
		if (!process || process.cpuPercent === null) return null;
		const threshold = thresholds.cpuUsage * 100;
		const message = `process CPU ${process.cpuPercent.toFixed(0)} % of a core (threshold ${threshold.toFixed(0)} %)`;
		return [{subject: 'process', value: process.cpuPercent, threshold, message, sample: process.sampledAt, ...levels(process.cpuPercent, threshold, hysteresis)}];
	},
};

const eventLoopDelay: AlertRule = {
	name: 'event-loop-delay',
	raiseAfter: 3,
	resolveAfter: 3,
	observe({process}, {thresholds, hysteresis}) {
		if (!process || !process.eventLoop) return null;
		const p99 = process.eventLoop.p99Ms;
		const threshold = thresholds.eventLoopDelay;
		const message = `event-loop delay p99 ${ms(p99)} (threshold ${ms(threshold)})`;
		return [{subject: 'process', value: p99, threshold, message, sample: process.sampledAt, ...levels(p99, threshold, hysteresis)}];
	},
};

/** The built-in rules, in the order they are evaluated. */
export const builtinRules: readonly AlertRule[] = [pluginLoadTime, pluginLoadMemory, responseTime, memoryBudget, heapGrowth, cpu, eventLoopDelay];
