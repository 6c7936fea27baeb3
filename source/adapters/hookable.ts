/**
 * `perftop/hookable`: attribution and timing for unjs/hookable (the hook system of Nuxt, Nitro, unbuild and
 * others). A hookable instance does not know who registered a hook, so the adapter hands each plugin a scoped
 * hooks API (`forPlugin(name)`): what a plugin registers through it is stored in the instance as a timed
 * wrapper (op = the hook name, plugin = that name, kind `hook`), and removal by the plugin's own function still
 * works because the scope keeps a map from each original to its wrapper (removal through the instance itself,
 * `hooks.removeHook(name, original)`, finds no such function there and removes nothing while instrumented).
 * Per-hook-name totals (the whole `callHook`, all plugins together, errors counted) come from the instance's
 * `callHookWith`, which `callHook` and `callHookParallel` call: the adapter times it once, with one timed wrapper
 * per hook name made by `monitor.wrap`.
 *
 * The undo puts every original back where its wrapper was, in the same position (hookable calls hooks in
 * registration order), and the instance's own `callHookWith`: after it, the instance holds exactly what it
 * would hold without perftop, so `hooks.removeHooks(sameObject)` removes the plugin's hooks by identity again.
 */
import type {PerformanceMonitor} from '../index.js';

/** Hands a value on unchanged (the reaction that keeps a rejection unhandled for the caller to see). */
const pass = (value: unknown): unknown => value;

/** A hook implementation as hookable stores it. */
type HookFn = (...args: never[]) => unknown;

/** The event hookable passes to `beforeEach`/`afterEach` listeners. */
interface HookEvent {
	name: string;
	args: unknown[];
	context: Record<string, unknown>;
}

/** Any method: the instance's own typed signatures (hookable's generics over hook names) all fit. */
type Method = (...args: never) => unknown;

/**
 * The instance the adapter takes: anything with the methods of hookable 6's `Hookable` (`createHooks()`,
 * `new Hookable()`), written structurally so the adapter needs no hookable types at runtime or build time.
 */
export type HookableShape = Record<ScopedKey | PassKey, Method>;

/** The same methods as the adapter calls them. */
interface HookableApi {
	hook(name: string, fn: HookFn, options?: {allowDeprecated?: boolean}): () => void;
	hookOnce(name: string, fn: HookFn): () => void;
	removeHook(name: string, fn: HookFn): void;
	addHooks(config: object): () => void;
	removeHooks(config: object): void;
	beforeEach(fn: (event: HookEvent) => void): () => void;
	afterEach(fn: (event: HookEvent) => void): () => void;
	callHook(name: string, ...args: never[]): unknown;
	callHookParallel(name: string, ...args: never[]): unknown;
	callHookWith(caller: never, name: string, args: never): unknown;
	clearHook(name: string): void;
	removeAllHooks(): void;
	deprecateHook(name: string, deprecated: never): void;
	deprecateHooks(deprecated: never): void;
}

/** Methods of the scoped API that register or remove functions (attributed to the plugin). */
type ScopedKey = 'hook' | 'hookOnce' | 'removeHook' | 'addHooks' | 'removeHooks' | 'beforeEach' | 'afterEach';
/** Methods passed straight through to the instance. */
type PassKey = 'callHook' | 'callHookParallel' | 'callHookWith' | 'clearHook' | 'removeAllHooks' | 'deprecateHook' | 'deprecateHooks';

/**
 * A plugin's view of the instance: the same methods and types as the instance's own (`hook`, `hookOnce`,
 * `addHooks` with nested objects, `removeHook`, `removeHooks`, `beforeEach`, `afterEach`, and the `callHook`
 * family), where every function registered is timed as this plugin's.
 */
export type ScopedHooks<H extends HookableShape> = Pick<H, ScopedKey | PassKey>;

/** Options of {@link instrumentHookable}. */
export interface HookableAdapterOptions {
	/**
	 * Record each `callHook` (and `callHookParallel`) as a whole, all plugins' implementations together, as a
	 * plugin-less series named after the hook, a rejection or throw counted as an error (by timing the
	 * instance's `callHookWith`).
	 * @default true
	 */
	totals?: boolean;
}

/** What {@link instrumentHookable} returns. */
export interface HookableInstrumentation<H extends HookableShape> {
	/** The hooks API for plugin `name`: what it registers through it is timed and attributed to `name`. */
	forPlugin(name: string): ScopedHooks<H>;
	/**
	 * Puts every original function back in place of its wrapper (same position), gives the instance its own
	 * `callHookWith` back (unless something replaced it since: then perftop's passes calls straight through),
	 * and makes every scope a plain pass-through from then on. Idempotent.
	 */
	undo(): void;
}

/**
 * Instruments a hookable instance (`createHooks()`, `new Hookable()`, `nuxt.hooks`, ...). Hooks registered
 * before this call, or directly on the instance instead of through a scope, run untimed but still count in
 * the per-hook-name totals.
 *
 * @example
 * ```ts
 * const hooks = createHooks();
 * const {forPlugin, undo} = instrumentHookable(monitor, hooks);
 * forPlugin('sitemap').addHooks({build: {before: async () => writeSitemap()}});
 * await hooks.callHook('build:before');
 * ```
 */
export function instrumentHookable<H extends HookableShape>(monitor: PerformanceMonitor, hooks: H, options: HookableAdapterOptions = {}): HookableInstrumentation<H> {
	const state = new AdapterState(monitor, hooks as unknown as HookableApi);
	if (monitor.enabled && options.totals !== false) state.timeTotals();
	const scopes = new Map<string, ScopedHooks<H>>();
	return {
		forPlugin(name) {
			let scope = scopes.get(name);
			if (!scope) {
				scope = makeScope(state, name) as unknown as ScopedHooks<H>;
				scopes.set(name, scope);
			}
			return scope;
		},
		undo: () => state.undo(),
	};
}

/** A spy listener registered through a scope, and the unregister of whatever stands for it now. */
interface Spy {
	method: 'beforeEach' | 'afterEach';
	original: HookFn;
	unregister: () => void;
}

/** One live registration of a plugin's function: its wrapper and how many times it is registered. */
interface Registration {
	wrapper: HookFn;
	count: number;
}

/** Everything one instrumentation knows: the instance, the live wrappers per plugin, the listeners to remove. */
class AdapterState {
	readonly monitor: PerformanceMonitor;
	readonly hooks: HookableApi;
	/** False after undo: scopes then pass everything straight through. */
	active = true;
	/** plugin -> hook name -> original -> registration. */
	readonly registered = new Map<string, Map<string, Map<HookFn, Registration>>>();
	/** Spy listeners (beforeEach/afterEach) registered through scopes. */
	readonly spies = new Set<Spy>();
	readonly #stop: Array<() => void> = [];

	constructor(monitor: PerformanceMonitor, hooks: HookableApi) {
		this.monitor = monitor;
		this.hooks = hooks;
	}

	/**
	 * Times the instance's `callHookWith` (see the file comment): each hook name gets one wrapper of the original,
	 * made by `monitor.wrap` on its first call, so a call costs a map lookup and the wrapper's own timing. A
	 * promise result is handed back through one more reaction, so that a rejection the caller ignores is still
	 * reported by Node as unhandled, as without perftop. An instance without `callHookWith` gets no totals.
	 */
	timeTotals(): void {
		const {monitor, hooks} = this;
		try {
			const original = hooks.callHookWith as unknown;
			if (typeof original !== 'function') return;
			const own = Object.getOwnPropertyDescriptor(hooks, 'callHookWith');
			const call = original as (this: unknown, caller: unknown, name: unknown, args: unknown) => unknown;
			const invoke = function (this: unknown, caller: unknown, name: unknown, args: unknown): unknown {
				return call.call(this, caller, name, args);
			};
			const byName = new Map<string, typeof invoke>();
			const state = this;
			const timedCallHookWith = function callHookWith(this: unknown, caller: unknown, name: unknown, args: unknown): unknown {
				if (!state.active || typeof name !== 'string') return call.call(this, caller, name, args);
				let timed = byName.get(name);
				if (timed === undefined) {
					timed = monitor.wrap(invoke, {op: name});
					byName.set(name, timed);
				}
				const result = timed.call(this, caller, name, args);
				return result instanceof Promise ? result.then(pass) : result;
			};
			Object.defineProperty(hooks, 'callHookWith', {value: timedCallHookWith, configurable: true, writable: true, enumerable: own?.enumerable ?? true});
			this.#stop.push(() => {
				if ((hooks as {callHookWith: unknown}).callHookWith !== timedCallHookWith) return;
				if (own) Object.defineProperty(hooks, 'callHookWith', own);
				else delete (hooks as {callHookWith?: unknown}).callHookWith;
			});
		} catch (error) {
			monitor.faults.report('instrument', error);
		}
	}

	/** The registrations of (plugin, hook name), created on demand. */
	table(plugin: string, name: string): Map<HookFn, Registration> {
		let byName = this.registered.get(plugin);
		if (!byName) {
			byName = new Map();
			this.registered.set(plugin, byName);
		}
		let table = byName.get(name);
		if (!table) {
			table = new Map();
			byName.set(name, table);
		}
		return table;
	}

	/** Forgets one registration of `original` (the map shrinks as hooks go, so it stays O(live hooks)). */
	release(plugin: string, name: string, original: HookFn): void {
		const byName = this.registered.get(plugin);
		const table = byName?.get(name);
		const entry = table?.get(original);
		if (!byName || !table || !entry) return;
		if (--entry.count > 0) return;
		table.delete(original);
		if (table.size === 0) byName.delete(name);
		if (byName.size === 0) this.registered.delete(plugin);
	}

	/** Forgets every registration under `name` (clearHook) or all of them (removeAllHooks). */
	forget(name?: string): void {
		if (name === undefined) this.registered.clear();
		else for (const byName of this.registered.values()) byName.delete(name);
	}

	undo(): void {
		if (!this.active) return;
		this.active = false;
		for (const stop of this.#stop.splice(0)) {
			try {
				stop();
			} catch (error) {
				this.monitor.faults.report('instrument', error);
			}
		}
		for (const spy of this.spies) {
			try {
				// Spies run in any order, so the original simply takes the wrapper's place at the end.
				spy.unregister();
				spy.unregister = this.hooks[spy.method](spy.original as never);
			} catch (error) {
				this.monitor.faults.report('instrument', error);
			}
		}
		const originals = new Map<HookFn, HookFn>();
		for (const byName of this.registered.values()) for (const table of byName.values()) for (const [original, {wrapper}] of table) originals.set(wrapper, original);
		try {
			this.#putBack(originals);
		} catch (error) {
			this.monitor.faults.report('instrument', error);
		}
		this.registered.clear();
		this.spies.clear();
	}

	/**
	 * Replaces each hook wrapper by its original where hookable keeps them (`_hooks`: hook name -> array),
	 * in place, because hookable calls a hook's functions in registration order. An instance without that
	 * field (another implementation of the same API) gets remove + re-register instead, which appends.
	 */
	#putBack(originals: Map<HookFn, HookFn>): void {
		const byName = (this.hooks as unknown as {_hooks?: unknown})._hooks;
		if (typeof byName === 'object' && byName !== null) {
			for (const list of Object.values(byName)) {
				if (!Array.isArray(list)) continue;
				for (let index = 0; index < list.length; index++) {
					const original = originals.get(list[index] as HookFn);
					if (original !== undefined) list[index] = original;
				}
			}
			return;
		}
		for (const names of this.registered.values()) {
			for (const [name, table] of names) {
				for (const [original, {wrapper, count}] of table) {
					for (let index = 0; index < count; index++) {
						this.hooks.removeHook(name, wrapper);
						this.hooks.hook(name, original);
					}
				}
			}
		}
	}
}

/** The scoped API of one plugin (see ScopedHooks); typed loosely here, exactly by ScopedHooks outside. */
function makeScope(state: AdapterState, plugin: string): Record<ScopedKey | PassKey, (...args: never[]) => unknown> {
	const {monitor, hooks} = state;
	const wrapHook = (name: string, fn: HookFn): HookFn => monitor.wrap(fn, {op: name, plugin, kind: 'hook'});

	const hook = (name: string, fn: HookFn, options?: {allowDeprecated?: boolean}): (() => void) => {
		if (!state.active || typeof fn !== 'function' || !name) return hooks.hook(name, fn as never, options);
		const wrapper = wrapHook(name, fn);
		const table = state.table(plugin, name);
		const entry = table.get(fn);
		if (entry) entry.count++;
		else table.set(fn, {wrapper, count: 1});
		const unregister = hooks.hook(name, wrapper as never, options);
		let done = false;
		return () => {
			if (done) return;
			done = true;
			if (state.active) {
				unregister();
				state.release(plugin, name, fn);
			} else {
				// After undo the instance holds the original where the wrapper was.
				hooks.removeHook(name, fn as never);
			}
		};
	};

	const removeHook = (name: string, fn: HookFn): void => {
		const entry = state.active ? state.registered.get(plugin)?.get(name)?.get(fn) : undefined;
		if (entry === undefined) {
			hooks.removeHook(name, fn as never);
			return;
		}
		hooks.removeHook(name, entry.wrapper as never);
		state.release(plugin, name, fn);
	};

	const hookOnce = (name: string, fn: HookFn): (() => void) => {
		if (!state.active || typeof fn !== 'function' || !name) return hooks.hookOnce(name, fn as never);
		const wrapper = wrapHook(name, fn);
		// As hookable's own hookOnce: a closure that unregisters itself and calls the function. After undo it
		// calls the original directly, so it records nothing.
		let unregister: (() => void) | undefined;
		let pending = true;
		const once = function (this: unknown, ...args: never[]): unknown {
			unregister?.();
			unregister = undefined;
			pending = false;
			return (state.active ? wrapper : fn).apply(this, args);
		};
		Object.defineProperty(once, 'name', {value: fn.name, configurable: true});
		unregister = hooks.hook(name, once as never);
		return () => {
			if (!pending) return;
			pending = false;
			unregister?.();
			unregister = undefined;
		};
	};

	const addHooks = (config: unknown): (() => void) => {
		const flat = flatten(config);
		const removers = Object.keys(flat).map(name => hook(name, flat[name]!));
		return () => {
			for (const remove of removers.splice(0)) remove();
		};
	};

	const removeHooks = (config: unknown): void => {
		const flat = flatten(config);
		for (const name of Object.keys(flat)) removeHook(name, flat[name]!);
	};

	const spy = (method: 'beforeEach' | 'afterEach') => (fn: HookFn): (() => void) => {
		if (!state.active || typeof fn !== 'function') return hooks[method](fn as never);
		const wrapper = monitor.wrap(fn, {op: method, plugin, kind: 'hook'});
		const record: Spy = {method, original: fn, unregister: hooks[method](wrapper as never)};
		state.spies.add(record);
		return () => {
			record.unregister();
			state.spies.delete(record);
		};
	};

	return {
		hook,
		hookOnce,
		removeHook,
		addHooks,
		removeHooks,
		beforeEach: spy('beforeEach'),
		afterEach: spy('afterEach'),
		callHook: (name: string, ...args: never[]) => hooks.callHook(name, ...args),
		callHookParallel: (name: string, ...args: never[]) => hooks.callHookParallel(name, ...args),
		callHookWith: (caller: never, name: string, args: never) => hooks.callHookWith(caller, name, args),
		clearHook: (name: string) => {
			state.forget(name);
			hooks.clearHook(name);
		},
		removeAllHooks: () => {
			state.forget();
			hooks.removeAllHooks();
		},
		deprecateHook: (name: string, deprecated: never) => hooks.deprecateHook(name, deprecated),
		deprecateHooks: (deprecated: never) => hooks.deprecateHooks(deprecated),
	};
}

/**
 * hookable's flattening of nested hook objects, written out so the adapter needs hookable at runtime only
 * through the instance it is given: `{build: {before: fn}}` -> `{'build:before': fn}`; other values are ignored.
 */
function flatten(config: unknown, out: Record<string, HookFn> = {}, prefix?: string): Record<string, HookFn> {
	if (typeof config !== 'object' || config === null) return out;
	for (const key in config) {
		const value: unknown = (config as Record<string, unknown>)[key];
		const name = prefix ? `${prefix}:${key}` : key;
		if (typeof value === 'object' && value !== null) flatten(value, out, name);
		else if (typeof value === 'function') out[name] = value as HookFn;
	}
	return out;
}
