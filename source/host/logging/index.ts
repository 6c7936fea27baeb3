/** Performance log: the public part. */
export {type PerfLogOptions} from './perf-log.js';
