/**
 * Hook implementations by hook name, in registration order. Kept as the raw functions and, while a monitor
 * is attached, in two monitored forms: the wrapped functions (for sync calls, which have no promise to ride
 * on) and the timed implementations (the raw functions with the series they record into, for sequential and
 * parallel calls, which await or combine every result anyway and so time it without an extra reaction).
 * `active` points at the raw or the wrapped arrays and `timed` is null while detached, so a hook call reads
 * one array and loops over it without asking anything else. Arrays are replaced, never changed in place: a
 * call that is already looping (or awaiting, for sequential calls) keeps the implementations it started with.
 */
import type {Series} from '../metrics/series.js';
import type {Clock, FaultSink, TimedParts} from '../metrics/timing.js';
import type {HookFunction} from './types.js';

/** The monitored forms of one implementation: its wrapper, and the parts of that wrapper when it records. */
export interface MonitoredHook {
	wrapped: HookFunction;
	/** Null when the implementation is not timed (a disabled monitor, a wrap that failed). */
	parts: TimedParts | null;
}

/** Makes the monitored forms of one implementation. */
export type HookWrapper = (implementation: HookFunction, hook: string, plugin: string) => MonitoredHook;

/** One implementation as sequential and parallel calls run it while a monitor is attached. */
export interface TimedHook {
	/** The raw implementation. */
	readonly fn: HookFunction;
	/** Where its calls are recorded; null: called untimed. */
	readonly series: Series | null;
	readonly clock: Clock;
	readonly faults: FaultSink;
}

interface Entry {
	plugin: string;
	raw: HookFunction;
	monitored: MonitoredHook | null;
	timed: TimedHook | null;
}

const untimedClock: Clock = () => 0n;
const untimedFaults: FaultSink = {report() {}};

/** The plugin manager's hook implementations by hook name, in registration order, raw and (while a monitor is attached) timed. */
export class HookTable {
	/** The arrays sync calls read: raw when detached, wrapped while a monitor is attached. Read only. */
	active: Map<string, HookFunction[]>;
	/**
	 * While a monitor is attached: the timed implementations of every hook with at least one timed
	 * implementation (the others run the raw arrays). Null when detached. Read only.
	 */
	timed: Map<string, TimedHook[]> | null = null;
	readonly #entries = new Map<string, Entry[]>();
	readonly #raw = new Map<string, HookFunction[]>();
	#wrapped: Map<string, HookFunction[]> | null = null;
	#wrap: HookWrapper | null = null;

	constructor() {
		this.active = this.#raw;
	}

	/** Appends a plugin's implementations (after every implementation registered before). */
	add(plugin: string, implementations: Array<[string, HookFunction]>): void {
		for (const [hook, raw] of implementations) {
			const entry: Entry = {plugin, raw, monitored: null, timed: null};
			if (this.#wrap) this.#monitor(entry, hook, this.#wrap);
			this.#rebuild(hook, [...(this.#entries.get(hook) ?? []), entry]);
		}
	}

	/** Removes every implementation of `plugin`. */
	remove(plugin: string): void {
		for (const [hook, entries] of this.#entries) {
			if (entries.some(entry => entry.plugin === plugin)) this.#rebuild(hook, entries.filter(entry => entry.plugin !== plugin));
		}
	}

	/** Monitors every implementation with `wrap` and makes the monitored arrays active. */
	attach(wrap: HookWrapper): void {
		this.#wrap = wrap;
		this.#wrapped = new Map();
		this.timed = new Map();
		for (const [hook, entries] of this.#entries) {
			for (const entry of entries) this.#monitor(entry, hook, wrap);
			this.#rebuild(hook, entries);
		}
		this.active = this.#wrapped;
	}

	/** Makes the raw arrays active again and drops the monitored forms. */
	detach(): void {
		this.active = this.#raw;
		this.timed = null;
		this.#wrap = null;
		this.#wrapped = null;
		for (const entries of this.#entries.values()) {
			for (const entry of entries) {
				entry.monitored = null;
				entry.timed = null;
			}
		}
	}

	/** Hook names that have at least one implementation, in first-registration order. */
	hooks(): string[] {
		return [...this.#entries.keys()];
	}

	/** The plugins implementing `hook`, in call order. */
	plugins(hook: string): string[] {
		return (this.#entries.get(hook) ?? []).map(entry => entry.plugin);
	}

	#monitor(entry: Entry, hook: string, wrap: HookWrapper): void {
		const monitored = wrap(entry.raw, hook, entry.plugin);
		entry.monitored = monitored;
		const parts = monitored.parts;
		// Timed calls run the raw function: only parts that describe exactly this implementation qualify.
		entry.timed = parts !== null && parts.fn === entry.raw ? {fn: entry.raw, series: parts.series, clock: parts.clock, faults: parts.faults} : null;
	}

	#rebuild(hook: string, entries: Entry[]): void {
		if (entries.length === 0) {
			this.#entries.delete(hook);
			this.#raw.delete(hook);
			this.#wrapped?.delete(hook);
			this.timed?.delete(hook);
			return;
		}
		this.#entries.set(hook, entries);
		this.#raw.set(hook, entries.map(entry => entry.raw));
		this.#wrapped?.set(hook, entries.map(entry => entry.monitored?.wrapped ?? entry.raw));
		if (this.timed) {
			if (entries.some(entry => entry.timed !== null)) this.timed.set(hook, entries.map(entry => entry.timed ?? {fn: entry.raw, series: null, clock: untimedClock, faults: untimedFaults}));
			else this.timed.delete(hook);
		}
	}
}
