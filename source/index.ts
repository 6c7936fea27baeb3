/**
 * perftop's library entry: the host API and the protocol types. Never imports the TUI.
 */
export {PerformanceMonitor, type MonitorOptions, type PluginLoadRecord, type WrapOptions, type PerformanceSummary} from './host/monitor.js';
export {defaultThresholds, type PerformanceThresholds} from './host/thresholds.js';
export type {MonitorHandle} from './host/handle.js';
export {PERFTOP_VERSION} from './host/version.js';
export * from './protocol/index.js';
