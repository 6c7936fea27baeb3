/** The monitor: the public part. */
export {PerformanceMonitor} from './monitor.js';
export type {InstrumentOptions, MeasureLoadOptions, MonitorOptions, PerformanceSummary, PluginLoadRecord, RecordOptions, TimerOptions, WrapOptions} from './options.js';
export type {MonitorHandle} from './handle.js';
export {PERFTOP_VERSION} from './version.js';
