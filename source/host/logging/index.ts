/** Performance log: the public part (its record types and schema version are in the protocol: perf-log.ts). */
export {startPerfLog, type PerfLog, type PerfLogOptions} from './perf-log.js';
