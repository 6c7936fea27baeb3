/** Protocol v1: plain data types and pure helpers. */
export * from './version.js';
export * from './errors.js';
export * from './messages.js';
/** The snapshot's plain-data types. */
export type * from './snapshot.js';
export * from './histogram.js';
export * from './ndjson.js';
export * from './validate.js';
export * from './perf-log.js';
