/**
 * The alert engine: runs the rules over the monitor's data and keeps one state per (rule, subject).
 * An alert is raised after `raiseAfter` observations in a row over the threshold and resolved after
 * `resolveAfter` observations in a row under the clear level (threshold lowered by the hysteresis); values
 * in between change nothing. After an alert resolves, the same alert cannot be raised again before its
 * cooldown has passed, so a flapping value produces at most one raise and one resolve per cooldown.
 * Changes go out as `alert` events and to the optional callback; nothing here throws into the host.
 */
import type {AlertData} from '../../protocol/snapshot.js';
import type {HostEvents} from '../monitor/events.js';
import type {Faults} from '../faults/faults.js';
import type {PerformanceThresholds} from './thresholds.js';
import {builtinRules, type AlertInput, type AlertRule, type AlertRuleName, type Observation} from './rules.js';

/** The data alert rules read, and the rules' names. */
export type {AlertInput, AlertRuleName} from './rules.js';

/** Per-rule tuning; every field falls back to the rule's default, then to the engine-wide option. */
export interface AlertRuleOptions {
	/** Observations in a row over the threshold needed to raise. */
	raiseAfter?: number;
	/** Observations in a row under the clear level needed to resolve. */
	resolveAfter?: number;
	/** Clear level = threshold x (1 - hysteresis). */
	hysteresis?: number;
	/** Shortest time between a resolve and the next raise of the same alert, ms. */
	cooldownMs?: number;
}

/** Alert options (monitor options `alerts` and `onAlert`). */
export interface AlertOptions {
	/** Called for every alert change (raised or resolved). A throwing callback is counted as a fault. */
	onAlert?: (alert: AlertData) => void;
	/** Default cooldown, ms (default 60 000). */
	cooldownMs?: number;
	/** Default hysteresis, 0..1 (default 0.1; memory-budget defaults to 0.05). */
	hysteresis?: number;
	/** Calls a series needs in its recent window before its p95 is judged (default 5). */
	minCalls?: number;
	/** Tuning per rule; false turns a rule off. */
	rules?: Partial<Record<AlertRuleName, AlertRuleOptions | false>>;
	/** Alert changes kept for history() (default 100). */
	historySize?: number;
}

interface AlertState {
	rule: AlertRuleName;
	alert: AlertData | null;
	above: number;
	clear: number;
	lastSample: number | null;
	resolvedAt: number | null;
	/** Raises held back by the cooldown since the last resolve. */
	suppressed: number;
}

interface Tuning {
	raiseAfter: number;
	resolveAfter: number;
	hysteresis: number;
	cooldownMs: number;
}

/** Threshold rules with hysteresis and cooldown. */
export class AlertEngine {
	readonly #thresholds: PerformanceThresholds;
	readonly #options: AlertOptions;
	readonly #events: HostEvents;
	readonly #faults: Faults;
	readonly #rules: Array<{rule: AlertRule; tuning: Tuning}>;
	readonly #states = new Map<string, AlertState>();
	readonly #history: AlertData[] = [];
	readonly #historySize: number;

	constructor(thresholds: PerformanceThresholds, options: AlertOptions, events: HostEvents, faults: Faults) {
		this.#thresholds = thresholds;
		this.#options = options;
		this.#events = events;
		this.#faults = faults;
		this.#historySize = Math.max(0, options.historySize ?? 100);
		this.#rules = [];
		for (const rule of builtinRules) {
			const custom = options.rules?.[rule.name];
			if (custom === false) continue;
			this.#rules.push({
				rule,
				tuning: {
					raiseAfter: Math.max(1, custom?.raiseAfter ?? rule.raiseAfter),
					resolveAfter: Math.max(1, custom?.resolveAfter ?? rule.resolveAfter),
					hysteresis: clamp01(custom?.hysteresis ?? rule.hysteresis ?? options.hysteresis ?? 0.1),
					cooldownMs: Math.max(0, custom?.cooldownMs ?? options.cooldownMs ?? 60_000),
				},
			});
		}
	}

	/** Runs every rule over `input`; raises and resolves alerts. Never throws. */
	evaluate(input: AlertInput): void {
		const seen = new Set<string>();
		const judged = new Set<AlertRuleName>();
		for (const {rule, tuning} of this.#rules) {
			let observations: Observation[] | null;
			try {
				observations = rule.observe(input, {thresholds: this.#thresholds, hysteresis: tuning.hysteresis, minCalls: this.#options.minCalls ?? 5});
			} catch (error) {
				this.#faults.report('alert-rule', error);
				continue;
			}
			if (observations === null) continue;
			judged.add(rule.name);
			for (const observation of observations) {
				const id = `${rule.name}:${observation.subject}`;
				seen.add(id);
				this.#observe(id, rule.name, observation, tuning, input.now);
			}
		}
		this.#forgetVanished(seen, judged, input.now);
	}

	/** Active alerts (copies), oldest first. */
	active(): AlertData[] {
		const list: AlertData[] = [];
		for (const state of this.#states.values()) if (state.alert?.state === 'active') list.push({...state.alert});
		return list.sort((a, b) => a.since - b.since);
	}

	/** Recent alert changes (raised and resolved), oldest first, bounded by `historySize`. */
	history(): AlertData[] {
		return this.#history.map(alert => ({...alert}));
	}

	/** (rule, subject) states kept: bounded by the live subjects plus those cooling down. */
	get tracked(): number {
		return this.#states.size;
	}

	/** Raises held back by cooldowns, per alert id (for diagnostics and tests). */
	suppressed(): Record<string, number> {
		const counts: Record<string, number> = {};
		for (const [id, state] of this.#states) if (state.suppressed > 0) counts[id] = state.suppressed;
		return counts;
	}

	#observe(id: string, rule: AlertRuleName, observation: Observation, tuning: Tuning, now: number): void {
		let state = this.#states.get(id);
		if (!state) {
			state = {rule, alert: null, above: 0, clear: 0, lastSample: null, resolvedAt: null, suppressed: 0};
			this.#states.set(id, state);
		}
		const active = state.alert?.state === 'active' ? state.alert : null;
		if (active) {
			active.value = observation.value;
			active.threshold = observation.threshold;
			active.message = observation.message;
		}
		if (observation.sample !== null && observation.sample === state.lastSample) return;
		state.lastSample = observation.sample;
		if (observation.above) {
			state.above++;
			state.clear = 0;
		} else if (observation.clear) {
			state.clear++;
			state.above = 0;
		} else {
			// Between the clear level and the threshold: neither a rise nor a recovery.
			state.above = 0;
			state.clear = 0;
		}
		if (!active && state.above >= tuning.raiseAfter) {
			if (state.resolvedAt !== null && now - state.resolvedAt < tuning.cooldownMs) {
				state.suppressed++;
				return;
			}
			state.alert = {id, rule, subject: observation.subject, message: observation.message, value: observation.value, threshold: observation.threshold, since: now, state: 'active', resolvedAt: null};
			state.suppressed = 0;
			this.#changed(state.alert);
		} else if (active && state.clear >= tuning.resolveAfter) {
			this.#resolve(state, active, now);
		}
	}

	#resolve(state: AlertState, alert: AlertData, now: number): void {
		alert.state = 'resolved';
		alert.resolvedAt = now;
		state.resolvedAt = now;
		state.above = 0;
		state.clear = 0;
		this.#changed(alert);
	}

	/**
	 * Subjects a rule no longer reports (an unloaded plugin, a series gone after a reset) resolve their
	 * alerts; states with nothing left to remember are dropped, so memory follows the live subjects.
	 */
	#forgetVanished(seen: Set<string>, judged: Set<AlertRuleName>, now: number): void {
		for (const [id, state] of this.#states) {
			if (seen.has(id) || !judged.has(state.rule)) continue;
			const alert = state.alert;
			if (alert?.state === 'active') {
				this.#resolve(state, alert, now);
				continue;
			}
			const cooldown = this.#rules.find(entry => entry.rule.name === state.rule)?.tuning.cooldownMs ?? 0;
			if (state.resolvedAt === null || now - state.resolvedAt >= cooldown) this.#states.delete(id);
		}
	}

	#changed(alert: AlertData): void {
		const copy = {...alert};
		if (this.#historySize > 0) {
			this.#history.push(copy);
			if (this.#history.length > this.#historySize) this.#history.shift();
		}
		this.#events.emit({kind: 'alert', alert: {...copy}});
		const callback = this.#options.onAlert;
		if (!callback) return;
		try {
			callback({...copy});
		} catch (error) {
			this.#faults.report('alert-callback', error);
		}
	}
}

function clamp01(value: number): number {
	return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0.1;
}
