/**
 * All series of a monitor, keyed by (operation, plugin). A cap on the number of series folds every further
 * series into one overflow series and reports it once. Owns the recent window: a ring of slots per series,
 * advanced by wall-clock time (epoch ms, so a window never spans a different day by mistake), by a timer
 * and again before every read, so data older than the window is never shown as recent.
 */
import {BUCKET_COUNT} from '../../protocol/histogram.js';
import type {Faults} from '../faults/faults.js';
import {Busy, Series, type SeriesKind, type SlowListener} from './series.js';
import {hrClock, type Clock} from './timing.js';

/** Options of a SeriesRegistry. */
export interface RegistryOptions {
	/** Maximum number of series (default 1000); further series share one overflow series. */
	cap?: number;
	/** Length of one slot of the recent window, ms (default 10 000). */
	slotMs?: number;
	/** Number of slots in the recent window (default 6: one minute). */
	slots?: number;
	/** Calls slower than this (ms) count as slow (default: no slow tracking). */
	slowMs?: number;
	onSlow?: SlowListener;
	/** Wall clock in ms, for window coverage (tests pass a fake). */
	now?: () => number;
	/**
	 * The clock calls are timed with (ns; default `process.hrtime.bigint`), read for busy time (see
	 * {@link SeriesRegistry.busyNs}) and resets. Must never throw: pass custom clocks through guardClock.
	 */
	clock?: Clock;
}

/** The operation name of the series that collects everything past the cap. */
export const OVERFLOW_OP = '(overflow)';

/** All series of one monitor (see the file comment). */
export class SeriesRegistry {
	readonly cap: number;
	readonly slotMs: number;
	readonly slots: number;
	/** The clock calls are timed with (see {@link RegistryOptions.clock}). */
	readonly clock: Clock;
	/** True once a series was folded into the overflow series. */
	overflowed = false;
	readonly #byPlugin = new Map<string | null, Map<string, Series>>();
	readonly #all: Series[] = [];
	/** Busy-time accounting per plugin, shared by the plugin's hook series. */
	readonly #busy = new Map<string, Busy>();
	readonly #faults: Faults;
	readonly #now: () => number;
	#overflow: Series | null = null;
	#slowNs: number;
	#onSlow: SlowListener | null;
	#timer: NodeJS.Timeout | null = null;
	/** When the current slot started / when the ring started filling (epoch ms). */
	#slotStartedAt: number;
	#filledSince: number;

	constructor(faults: Faults, options: RegistryOptions = {}) {
		this.#faults = faults;
		this.cap = Math.max(1, options.cap ?? 1000);
		this.slotMs = Math.max(100, options.slotMs ?? 10_000);
		this.slots = Math.max(1, options.slots ?? 6);
		this.#now = options.now ?? Date.now;
		this.clock = options.clock ?? hrClock;
		this.#slowNs = options.slowMs === undefined ? Infinity : options.slowMs * 1e6;
		this.#onSlow = options.onSlow ?? null;
		this.#slotStartedAt = this.#now();
		this.#filledSince = this.#slotStartedAt;
	}

	/**
	 * The series for (op, plugin), created on first use with `kind`. Past the cap: the overflow series. An
	 * existing series is returned whatever `kind` is asked for: the first use decides the kind.
	 */
	get(op: string, plugin: string | null = null, kind: SeriesKind = 'operation'): Series {
		let byOp = this.#byPlugin.get(plugin);
		const found = byOp?.get(op);
		if (found) return found;
		if (this.#all.length >= this.cap) return this.#overflowSeries(op, plugin);
		const series = this.#create(op, plugin, kind);
		if (!byOp) {
			byOp = new Map();
			this.#byPlugin.set(plugin, byOp);
		}
		byOp.set(op, series);
		this.#all.push(series);
		return series;
	}

	/** The series for (op, plugin) if it exists. */
	find(op: string, plugin: string | null = null): Series | undefined {
		return this.#byPlugin.get(plugin)?.get(op);
	}

	/**
	 * Busy time (ns) of `series`' plugin up to now: closed intervals plus the one open while calls are in flight
	 * (see Busy). Shared by all hook series of one plugin.
	 */
	busyNs(series: Series): number {
		return series.busy.ns(this.clock());
	}

	/** The busy-time accounting of `plugin`'s hooks (created on first use). */
	busyOf(plugin: string): Busy {
		let busy = this.#busy.get(plugin);
		if (!busy) this.#busy.set(plugin, (busy = new Busy()));
		return busy;
	}

	#create(op: string, plugin: string | null, kind: SeriesKind): Series {
		const series = new Series(op, plugin, kind, this.slots, plugin !== null && kind === 'hook' ? this.busyOf(plugin) : new Busy());
		series.slowNs = this.#slowNs;
		series.onSlow = this.#onSlow;
		series.onInvalid = this.#onInvalid;
		return series;
	}

	readonly #onInvalid = (series: Series, ns: number): void => {
		this.#faults.report('invalid-duration', new RangeError(`duration ${ns} ns of '${series.op}'${series.plugin ? ` (plugin ${series.plugin})` : ''} is not a finite number >= 0; the call is counted, its duration is not`));
	};

	#overflowSeries(op: string, plugin: string | null): Series {
		if (!this.#overflow) {
			this.#overflow = this.#create(OVERFLOW_OP, null, 'operation');
			this.overflowed = true;
			this.#faults.report('series-cap', new Error(`series cap of ${this.cap} reached at '${op}'${plugin ? ` (plugin ${plugin})` : ''}; further series are folded into '${OVERFLOW_OP}'`));
		}
		return this.#overflow;
	}

	/** Every series, the overflow series last. */
	all(): Series[] {
		return this.#overflow ? [...this.#all, this.#overflow] : [...this.#all];
	}

	/** Series of one plugin. */
	ofPlugin(plugin: string): Series[] {
		return [...(this.#byPlugin.get(plugin)?.values() ?? [])];
	}

	get size(): number {
		return this.#all.length + (this.#overflow ? 1 : 0);
	}

	/** Sets the slow-call threshold (ms) and listener for all series, present and future. */
	setSlow(slowMs: number, onSlow: SlowListener | null): void {
		this.#slowNs = slowMs * 1e6;
		this.#onSlow = onSlow;
		for (const series of this.all()) {
			series.slowNs = this.#slowNs;
			series.onSlow = onSlow;
		}
	}

	/** Zeroes every series and every plugin's busy time in place (calls in flight count from now on). */
	reset(): void {
		for (const series of this.all()) series.reset();
		const now = this.clock();
		for (const busy of this.#busy.values()) busy.reset(now);
		this.#slotStartedAt = this.#now();
		this.#filledSince = this.#slotStartedAt;
	}

	/** Advances the recent-window ring of every series by one slot (the timer and advance() call it). */
	rotate(): void {
		for (const series of this.all()) series.rotate();
		this.#slotStartedAt = this.#now();
	}

	/**
	 * Rotates once per whole slot elapsed since the current slot started (at most a full ring), so a late
	 * timer or a process that slept does not present old calls as recent. A wall clock that went backwards
	 * restarts the current slot instead.
	 */
	advance(): void {
		const now = this.#now();
		const elapsed = now - this.#slotStartedAt;
		if (!(elapsed >= 0)) {
			this.#slotStartedAt = now;
			if (!(now >= this.#filledSince)) this.#filledSince = now;
			return;
		}
		const steps = Math.floor(elapsed / this.slotMs);
		if (steps === 0) return;
		const turns = Math.min(steps, this.slots);
		for (let step = 0; step < turns; step++) for (const series of this.all()) series.rotate();
		this.#slotStartedAt = steps > this.slots ? now : this.#slotStartedAt + steps * this.slotMs;
	}

	/** How much time the recent window currently covers, ms (at least 1). */
	windowMs(): number {
		const now = this.#now();
		const full = (this.slots - 1) * this.slotMs + Math.max(0, now - this.#slotStartedAt);
		const covered = Math.min(full, now - this.#filledSince);
		return covered >= 1 ? covered : 1;
	}

	/** Starts advancing the window every slotMs (the timer is unref'd). Returns the stop. */
	start(): () => void {
		if (!this.#timer) {
			this.#timer = setInterval(() => {
				try {
					this.advance();
				} catch (error) {
					this.#faults.report('rotate', error);
				}
			}, this.slotMs);
			this.#timer.unref();
		}
		return () => this.stop();
	}

	/** Stops the timer (the window is still advanced on every read). */
	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	/** Approximate bytes held by all series. */
	get bytes(): number {
		let total = 0;
		for (const series of this.all()) total += series.bytes;
		return total;
	}

	/** A scratch array for window merges. */
	scratch(): Float64Array {
		return new Float64Array(BUCKET_COUNT);
	}
}
