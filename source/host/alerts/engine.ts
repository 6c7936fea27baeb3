// STUB (replaced by the alerts work): threshold rules with hysteresis and cooldown.
import type {AlertData, PluginSummary, ProcessSection, SeriesSummary, SystemSection} from '../../protocol/snapshot.js';
import type {Faults} from '../faults.js';
import type {HostEvents} from '../events.js';
import type {PerformanceThresholds} from '../thresholds.js';

export interface AlertOptions {
	onAlert?: (alert: AlertData) => void;
}

export interface AlertInput {
	now: number;
	process: ProcessSection | null;
	system: SystemSection | null;
	plugins: PluginSummary[];
	series: SeriesSummary[];
}

export class AlertEngine {
	constructor(_thresholds: PerformanceThresholds, _options: AlertOptions, _events: HostEvents, _faults: Faults) {}
	evaluate(_input: AlertInput): void {}
	active(): AlertData[] {
		return [];
	}
}
