/** Plugin manager: the public part. */
export * from './manager.js';
