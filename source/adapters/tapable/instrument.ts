/**
 * Timing of tapable hooks through interceptors. A `register` interceptor sees every tap of a hook (the ones
 * added before it too) with its name and type, and may hand back a tap with another function: each tap's
 * function is replaced by a timed one, recorded as hook `op` of the plugin named by the tap. HookMaps get the
 * same interceptor on every hook they hold and, through a `factory` interceptor, on every hook they create.
 *
 * Timing follows the tap type: `sync` to return, `promise` to settlement, `async` until its callback is first
 * invoked (recorded before the callback runs, so the hook's next taps, which the callback starts, are not
 * charged to this one).
 *
 * Tapable cannot remove an interceptor, so undo works in three steps: the interceptors stop wrapping new taps,
 * every timed function made here calls its original directly from then on (one flag test per call), and every
 * tap this instrumentation still finds holding one of its functions gets its original function back (the
 * hook is recompiled on its next call). A tap that an interceptor added later wrapped again keeps that
 * interceptor's function around ours, which then passes calls straight through.
 */
import type {PerformanceMonitor} from '../../index.js';

/** A function as `monitor.wrap` takes it (any function). */
type TapFunction = Parameters<PerformanceMonitor['wrap']>[0];

/** A tap as tapable stores it: its name, its type and its function, plus the tap options (`stage`, `before`...). */
interface Tap {
	name: string;
	type: string;
	fn: TapFunction;
	/** Set on the taps perftop timed (see {@link TIMED}). */
	perftop?: unknown;
}

/** What is read of a tapable `Hook` (tapable's class, or webpack's copy of it). */
interface HookLike {
	taps: Tap[];
	intercept(interceptor: {name: string; register: (tap: Tap) => Tap}): void;
	/** tapable's internal: drops the compiled call so that the next call compiles the current taps. */
	_resetCompilation?: () => void;
}

/** What is read of a tapable `HookMap`. */
interface HookMapLike {
	intercept(interceptor: {name: string; factory: (key: unknown, hook: unknown) => unknown}): void;
	/** tapable's internal store of the hooks created so far (key to hook); read to reach them. */
	_map?: unknown;
}

/** What is read of a tapable `MultiHook` (one tap on several hooks). */
interface MultiHookLike {
	hooks: unknown[];
}

/** Options of {@link instrumentTapable}. */
export interface TapableOptions {
	/**
	 * Put before every op name with ':' (`prefix: 'compilation'` records the hook `seal` as `compilation:seal`),
	 * to tell apart hooks of the same name on different objects. Default: none, the op is the hook's key.
	 */
	prefix?: string;
	/** The plugin a tap's calls are recorded under, from its tap name. Default: the tap name itself. */
	plugin?: (tapName: string) => string;
	/** Taps not to time, by tap name (e.g. your own bookkeeping taps). Default: none. */
	ignore?: (tapName: string) => boolean;
}

/**
 * Where a {@link TapableInstrumentation} made with `running` writes the plugin of the timed tap running now:
 * each timed call sets `owner` to its tap's plugin for its synchronous part (an `async` tap until it calls its
 * callback, so what the callback runs next is not its) and puts the previous value back. The `plugin` option can
 * read it to charge a tap to what was running when it was registered (PerftopWebpackPlugin does).
 */
export interface RunningTap {
	owner: string | null;
}

/** Options of a {@link TapableInstrumentation}: those of {@link instrumentTapable} but `prefix`, and `running`. */
export interface TapableInstrumentationOptions extends Omit<TapableOptions, 'prefix'> {
	/** Where timed calls write their tap's plugin while they run (see {@link RunningTap}). Default: nowhere. */
	running?: RunningTap;
}

const INTERCEPTOR_NAME = 'perftop';

/**
 * The tap option perftop sets on the taps it times, to the instrumentation's token. Code that registers a tap
 * again with a new function around the old one copies the tap's options along (webpack's JavascriptParser
 * does, when it moves its hooks to node ids): the option tells that the function inside is timed already, so
 * the call is not recorded twice. A string key, because tapable drops symbol keys from a tap that has no
 * other option than its name.
 */
const TIMED = 'perftop';

/**
 * The shared state of one instrumentation: which monitor, how taps are named, which functions it made and
 * which hooks it reached (held weakly: a webpack build's compilations and parsers come and go).
 */
export class TapableInstrumentation {
	readonly #monitor: PerformanceMonitor;
	readonly #plugin: (tapName: string) => string;
	readonly #ignore: (tapName: string) => boolean;
	readonly #running: RunningTap | null;
	/** Read by every timed function made here; false after undo. */
	readonly #state = {on: true};
	/** The value of the {@link TIMED} option on this instrumentation's taps. */
	readonly #token = Object.freeze({});
	/** Each timed function made here, to its original. */
	readonly #originals = new WeakMap<TapFunction, TapFunction>();
	/** Hooks and hook maps already intercepted, so that reaching one twice adds nothing. */
	readonly #seen = new WeakSet<object>();
	#hooks: Array<WeakRef<HookLike>> = [];
	#pruneAt = 64;

	constructor(monitor: PerformanceMonitor, options: TapableInstrumentationOptions = {}) {
		this.#monitor = monitor;
		this.#plugin = options.plugin ?? (name => name);
		this.#ignore = options.ignore ?? (() => false);
		this.#running = options.running ?? null;
	}

	/** False once {@link TapableInstrumentation.undo} ran. */
	get active(): boolean {
		return this.#state.on;
	}

	/**
	 * Intercepts every hook and hook map among the own data properties of `hooks` (getters are never read: in
	 * webpack they are deprecated aliases that warn when read). Anything else is skipped.
	 */
	add(hooks: object, prefix?: string): void {
		if (!this.#state.on || !this.#monitor.enabled || hooks === null || (typeof hooks !== 'object' && typeof hooks !== 'function')) return;
		// A hook held under several keys (an alias kept for an older name, as webpack's `optimizeAssets` for
		// `processAssets`) is recorded under the last of them.
		const named = new Map<unknown, string>();
		try {
			for (const key of Object.keys(hooks)) {
				const descriptor = Object.getOwnPropertyDescriptor(hooks, key);
				if (descriptor === undefined || !('value' in descriptor)) continue;
				named.delete(descriptor.value);
				named.set(descriptor.value, key);
			}
		} catch (error) {
			// A proxy whose traps throw: the hooks read so far are still instrumented.
			this.#fault(error);
		}
		for (const [hook, key] of named) this.addHook(hook, prefix === undefined || prefix === '' ? key : `${prefix}:${key}`);
	}

	/** Intercepts one hook, hook map or multi-hook, recording its taps as hook `op`. Anything else is ignored. */
	addHook(value: unknown, op: string): void {
		if (!this.#state.on || !this.#monitor.enabled || value === null || typeof value !== 'object') return;
		try {
			// A stand-in for a removed hook (webpack marks them) warns or throws when used.
			if ((value as {_fakeHook?: unknown})._fakeHook === true) return;
			if (isHook(value)) this.#interceptHook(value, op);
			else if (isHookMap(value)) this.#interceptHookMap(value, op);
			else if (isMultiHook(value)) for (const hook of value.hooks) this.addHook(hook, op);
		} catch (error) {
			this.#fault(error);
		}
	}

	/**
	 * Calls `onHook` with every hook `map` holds now and every hook it creates from now on (while active): how
	 * to follow hooks that hand out further objects (webpack's parsers come through the `parser` hook map).
	 */
	eachHookOf(map: unknown, onHook: (hook: unknown, key: unknown) => void): void {
		if (!this.#state.on || !isHookMap(map)) return;
		try {
			const existing = map._map;
			if (existing instanceof Map) for (const [key, hook] of existing) onHook(hook, key);
			map.intercept({
				name: INTERCEPTOR_NAME,
				factory: (key, hook) => {
					if (this.#state.on) {
						try {
							onHook(hook, key);
						} catch (error) {
							this.#fault(error);
						}
					}
					return hook;
				},
			});
		} catch (error) {
			this.#fault(error);
		}
	}

	/** Stops timing (see the file comment for exactly what is undone). Calling it again does nothing. */
	undo(): void {
		if (!this.#state.on) return;
		this.#state.on = false;
		for (const ref of this.#hooks) {
			const hook = ref.deref();
			if (hook !== undefined) this.#restore(hook);
		}
		this.#hooks = [];
	}

	#interceptHook(hook: HookLike, op: string): void {
		if (this.#seen.has(hook)) return;
		this.#seen.add(hook);
		this.#track(hook);
		hook.intercept({name: INTERCEPTOR_NAME, register: tap => this.#register(tap, op)});
	}

	#interceptHookMap(map: HookMapLike, op: string): void {
		if (this.#seen.has(map)) return;
		this.#seen.add(map);
		this.eachHookOf(map, hook => this.addHook(hook, op));
	}

	/** The register interceptor: a copy of the tap with its function timed, or the tap itself. */
	#register(tap: Tap, op: string): Tap {
		if (!this.#state.on) return tap;
		try {
			const {fn, name, type} = tap;
			if (typeof fn !== 'function' || typeof name !== 'string' || tap[TIMED] === this.#token || this.#originals.has(fn) || this.#ignore(name)) return tap;
			const plugin = this.#plugin(name);
			const timed = this.#monitor.wrap(fn, {op, plugin, kind: 'hook', callback: type === 'async' ? 'last' : undefined});
			if (timed === fn) return tap;
			const running = this.#running;
			const wrapper = running === null ? switchable(timed, fn, this.#state) : type === 'async' ? runningAsync(timed, fn, this.#state, running, plugin) : runningSync(timed, fn, this.#state, running, plugin);
			this.#originals.set(wrapper, fn);
			return {...tap, fn: wrapper, [TIMED]: this.#token};
		} catch (error) {
			this.#fault(error);
			return tap;
		}
	}

	/** Gives every tap of `hook` that holds a function made here its original back. */
	#restore(hook: HookLike): void {
		try {
			let changed = false;
			for (const tap of hook.taps) {
				const original = this.#originals.get(tap.fn);
				if (original === undefined) continue;
				tap.fn = original;
				changed = true;
			}
			if (changed && typeof hook._resetCompilation === 'function') hook._resetCompilation();
		} catch (error) {
			this.#fault(error);
		}
	}

	/** Remembers `hook` for undo; references to hooks that were collected are dropped as the list grows. */
	#track(hook: HookLike): void {
		this.#hooks.push(new WeakRef(hook));
		if (this.#hooks.length < this.#pruneAt) return;
		this.#hooks = this.#hooks.filter(ref => ref.deref() !== undefined);
		this.#pruneAt = Math.max(64, this.#hooks.length * 2);
	}

	#fault(error: unknown): void {
		this.#monitor.faults.report('instrument', error);
	}
}

/**
 * A function that calls `timed` while `state.on`, and `original` after undo. It keeps `original`'s name and
 * length (webpack's parser reads a tap function's length to decide how it passes the arguments).
 */
function switchable(timed: TapFunction, original: TapFunction, state: {readonly on: boolean}): TapFunction {
	const wrapper = function (this: unknown, ...args: unknown[]) {
		// One call site per target keeps each monomorphic, so V8 can inline the timed wrapper here (see the
		// tapable-tap-overhead bench row, against monitor.wrap's wrapper called directly).
		return state.on ? timed.apply(this, args) : original.apply(this, args);
	};
	Object.defineProperty(wrapper, 'name', {value: original.name, configurable: true});
	Object.defineProperty(wrapper, 'length', {value: original.length, configurable: true});
	return wrapper;
}

/** {@link switchable} that also writes `owner` into `running` for the call's duration (see {@link RunningTap}). */
function runningSync(timed: TapFunction, original: TapFunction, state: {readonly on: boolean}, running: RunningTap, owner: string): TapFunction {
	const wrapper = function (this: unknown, ...args: unknown[]) {
		if (!state.on) return original.apply(this, args);
		const outer = running.owner;
		running.owner = owner;
		try {
			return timed.apply(this, args);
		} finally {
			running.owner = outer;
		}
	};
	Object.defineProperty(wrapper, 'name', {value: original.name, configurable: true});
	Object.defineProperty(wrapper, 'length', {value: original.length, configurable: true});
	return wrapper;
}

/**
 * {@link runningSync} for an `async` tap: a callback it calls before it returns runs what comes next in the hook
 * (the next taps, then the caller's continuation), which is not the tap's: `running` gets its previous value back
 * while the callback runs.
 */
function runningAsync(timed: TapFunction, original: TapFunction, state: {readonly on: boolean}, running: RunningTap, owner: string): TapFunction {
	const wrapper = function (this: unknown, ...args: unknown[]) {
		if (!state.on) return original.apply(this, args);
		const outer = running.owner;
		const last = args.length - 1;
		const callback = args[last];
		let inside = true;
		if (typeof callback === 'function') {
			args[last] = function (this: unknown, ...results: unknown[]) {
				if (!inside) return callback.apply(this, results);
				const current = running.owner;
				running.owner = outer;
				try {
					return callback.apply(this, results);
				} finally {
					running.owner = current;
				}
			};
		}
		running.owner = owner;
		try {
			return timed.apply(this, args);
		} finally {
			inside = false;
			running.owner = outer;
		}
	};
	Object.defineProperty(wrapper, 'name', {value: original.name, configurable: true});
	Object.defineProperty(wrapper, 'length', {value: original.length, configurable: true});
	return wrapper;
}

function isHook(value: object): value is HookLike {
	const hook = value as Partial<Record<'intercept' | 'tap' | 'taps', unknown>>;
	return typeof hook.intercept === 'function' && typeof hook.tap === 'function' && Array.isArray(hook.taps);
}

function isHookMap(value: unknown): value is HookMapLike {
	if (value === null || typeof value !== 'object') return false;
	const map = value as Partial<Record<'intercept' | 'for' | 'taps', unknown>>;
	return typeof map.intercept === 'function' && typeof map.for === 'function' && map.taps === undefined;
}

function isMultiHook(value: object): value is MultiHookLike {
	const multi = value as Partial<Record<'intercept' | 'tap' | 'hooks', unknown>>;
	return typeof multi.intercept === 'function' && typeof multi.tap === 'function' && Array.isArray(multi.hooks);
}

/**
 * Times every tap of every tapable hook in `hooks` (an object whose properties are hooks or hook maps, such
 * as a webpack `compiler.hooks`, or your own): each call is recorded as hook `<key>` (with
 * {@link TapableOptions.prefix}: `<prefix>:<key>`) of the plugin named by the tap. Taps added before and
 * after this call are covered, and so are the hooks a HookMap creates later through `for(key)` (recorded
 * under the map's key, all keys together). Returns the undo: from then on nothing is recorded and the taps
 * get their original functions back where they still hold perftop's (see the file comment for the details).
 * A disabled monitor changes nothing.
 */
export function instrumentTapable(monitor: PerformanceMonitor, hooks: object, options: TapableOptions = {}): () => void {
	const instrumentation = new TapableInstrumentation(monitor, options);
	instrumentation.add(hooks, options.prefix);
	return () => instrumentation.undo();
}
