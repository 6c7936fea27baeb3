/**
 * Hook implementations by hook name, in registration order, kept twice: the raw functions, and (while a
 * monitor is attached) the wrapped ones. `active` points at one of the two maps, so a hook call reads one
 * array and loops over it without asking whether anything is monitored. Arrays are replaced, never
 * changed in place: a call that is already looping (or awaiting, for sequential calls) keeps the
 * implementations it started with.
 */
import type {HookFunction} from './types.js';

/** Makes the monitored version of one implementation. */
export type HookWrapper = (implementation: HookFunction, hook: string, plugin: string) => HookFunction;

interface Entry {
	plugin: string;
	raw: HookFunction;
	wrapped: HookFunction | null;
}

export class HookTable {
	/** The arrays hook calls read: `raw` when detached, `wrapped` while a monitor is attached. Read only. */
	active: Map<string, HookFunction[]>;
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
			const entry: Entry = {plugin, raw, wrapped: this.#wrap ? this.#wrap(raw, hook, plugin) : null};
			this.#rebuild(hook, [...(this.#entries.get(hook) ?? []), entry]);
		}
	}

	/** Removes every implementation of `plugin`. */
	remove(plugin: string): void {
		for (const [hook, entries] of this.#entries) {
			if (entries.some(entry => entry.plugin === plugin)) this.#rebuild(hook, entries.filter(entry => entry.plugin !== plugin));
		}
	}

	/** Wraps every implementation with `wrap` and makes the wrapped arrays active. */
	attach(wrap: HookWrapper): void {
		this.#wrap = wrap;
		this.#wrapped = new Map();
		for (const [hook, entries] of this.#entries) {
			for (const entry of entries) entry.wrapped = wrap(entry.raw, hook, entry.plugin);
			this.#wrapped.set(hook, entries.map(entry => entry.wrapped ?? entry.raw));
		}
		this.active = this.#wrapped;
	}

	/** Makes the raw arrays active again and drops the wrapped functions. */
	detach(): void {
		this.active = this.#raw;
		this.#wrap = null;
		this.#wrapped = null;
		for (const entries of this.#entries.values()) for (const entry of entries) entry.wrapped = null;
	}

	/** Hook names that have at least one implementation, in first-registration order. */
	hooks(): string[] {
		return [...this.#entries.keys()];
	}

	/** The plugins implementing `hook`, in call order. */
	plugins(hook: string): string[] {
		return (this.#entries.get(hook) ?? []).map(entry => entry.plugin);
	}

	#rebuild(hook: string, entries: Entry[]): void {
		if (entries.length === 0) {
			this.#entries.delete(hook);
			this.#raw.delete(hook);
			this.#wrapped?.delete(hook);
			return;
		}
		this.#entries.set(hook, entries);
		this.#raw.set(hook, entries.map(entry => entry.raw));
		this.#wrapped?.set(hook, entries.map(entry => entry.wrapped ?? entry.raw));
	}
}
