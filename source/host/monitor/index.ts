/** The monitor: the public part. */
export {PerformanceMonitor} from './monitor.js';
/** The monitor's option and data types. */
export type {InstrumentOptions, MeasureLoadOptions, MonitorOptions, PerformanceSummary, PluginLoadRecord, RecordOptions, TimerOptions, WrapOptions} from './options.js';
/** What the socket server and the perf log use of a monitor. */
export type {MonitorHandle} from './handle.js';
export {PERFTOP_VERSION} from './version.js';
