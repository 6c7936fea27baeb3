/** Alerts: the public part. */
export {type AlertOptions, type AlertRuleOptions, type AlertRuleName} from './engine.js';
