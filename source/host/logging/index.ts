/** Performance log: the public part. */
export {startPerfLog, type PerfLog, type PerfLogOptions} from './perf-log.js';
export {PERF_LOG_SCHEMA} from './records.js';
