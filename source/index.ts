/**
 * perftop's library entry: the host API and the protocol types. Never imports the TUI, ink, react or meow.
 */
export {PerformanceMonitor, type MonitorOptions, type PluginLoadRecord, type WrapOptions, type PerformanceSummary} from './host/monitor.js';
export {defaultThresholds, type PerformanceThresholds} from './host/thresholds.js';
export type {MonitorHandle} from './host/handle.js';
export {PERFTOP_VERSION} from './host/version.js';
export * from './host/plugins/index.js';
export * from './host/cache/index.js';
export * from './host/ipc/index.js';
export * from './host/logging/index.js';
export * from './host/alerts/index.js';
export type {SamplerOptions} from './host/samplers/index.js';
export * from './protocol/index.js';
