/**
 * Alert thresholds, with the defaults of the original requirements. Times are ms, memory bytes, ratios 0..1.
 */
export interface PerformanceThresholds {
	/** A plugin whose load takes longer than this (ms) raises an alert. Default 2000. */
	pluginLoadTime: number;
	/** A plugin whose load grows the heap by more than this (bytes) raises an alert. Default 50 MB. */
	pluginLoadMemory: number;
	/** A series whose recent p95 exceeds this (ms) raises an alert; calls over it count as slow. Default 1000. */
	responseTime: number;
	/** RSS above baseline x (1 + memoryIncrease) raises an alert. Default 0.2 (+20 %). */
	memoryIncrease: number;
	/** Sustained process CPU above this share of one core raises an alert. Default 0.8. */
	cpuUsage: number;
	/** Event-loop delay p99 above this (ms) raises an alert. Default 100. */
	eventLoopDelay: number;
}

/** The defaults: plugin load 2 s, load memory 50 MB, response 1 s, memory +20 %, CPU 80 %, event-loop delay 100 ms. */
export const defaultThresholds: Readonly<PerformanceThresholds> = Object.freeze({
	pluginLoadTime: 2000,
	pluginLoadMemory: 50 * 1024 * 1024,
	responseTime: 1000,
	memoryIncrease: 0.2,
	cpuUsage: 0.8,
	eventLoopDelay: 100,
});

/** Merges user thresholds over the defaults, rejecting values that are not finite and >= 0. */
export function resolveThresholds(partial: Partial<PerformanceThresholds> = {}): PerformanceThresholds {
	const result: PerformanceThresholds = {...defaultThresholds};
	for (const [key, value] of Object.entries(partial) as Array<[keyof PerformanceThresholds, unknown]>) {
		if (!(key in defaultThresholds)) throw new TypeError(`perftop: unknown threshold '${key}' (known: ${Object.keys(defaultThresholds).join(', ')})`);
		if (value === undefined) continue;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`perftop: threshold '${key}' must be a finite number >= 0, got ${String(value)}`);
		result[key] = value;
	}
	return result;
}
