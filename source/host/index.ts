/**
 * The host library: what runs inside the monitored process. The public part of each folder, in one place.
 */
export * from './monitor/index.js';
export * from './plugins/index.js';
export * from './cache/index.js';
export * from './ipc/index.js';
export * from './logging/index.js';
export * from './alerts/index.js';
/** Process and system sampling options (the `samplers` option of the monitor). */
export type {SamplerOptions} from './samplers/index.js';
export {FAULTS, type FaultInfo, type FaultKind, type FaultListener} from './faults/faults.js';
export * from './exposition/index.js';
