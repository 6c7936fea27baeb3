/** Alerts: the public part. */
export {type AlertOptions, type AlertRuleOptions, type AlertRuleName} from './engine.js';
export {defaultThresholds, type PerformanceThresholds} from './thresholds.js';
