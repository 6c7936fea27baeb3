/** Alerts: the public part. */
export {type AlertOptions} from './engine.js';
