/**
 * `perftop/rollup`: a Rollup plugin that times every other plugin's hooks, attributed by the plugin's `name`.
 *
 * Rollup reads a plugin's hook (`plugin[hookName]`, a function or an `{order, handler, ...}` object) each time
 * it calls it, so the adapter replaces the hooks of the plugin objects in place and puts the originals back at
 * `closeBundle`. It sees the plugin list at three points, each as early as Rollup allows (and, under Vite's dev
 * server, which does not run Rollup, at `configResolved`):
 *
 * - its `options` hook runs first (`order: 'pre'`): the plugins as the user passed them, so the other plugins'
 *   own `options` hooks, which run after it, are timed;
 * - its `buildStart` hook runs first and `sequential`, which makes Rollup wait for it before it reads the other
 *   plugins' `buildStart` hooks: there `options.plugins` is the final list, including plugins that another
 *   plugin's `options` hook inserted (as commonjs inserts `commonjs--resolver`);
 * - its `renderStart` hook, the same way, with the output options' own `plugins`.
 *
 * Rollup runs `resolveId`, `load` and `transform` of many modules at once: each call is timed to its
 * settlement (its latency), and the monitor's busy time per plugin (wall time with at least one call in
 * flight) keeps a plugin's share of the build within the build's wall time.
 */
import type {NormalizedInputOptions, NormalizedOutputOptions, Plugin} from 'rollup';
import type {PerformanceMonitor} from '../index.js';

/** Options of {@link perftopRollup}. */
export interface PerftopRollupOptions {
	/** The monitor that records the hooks (see `PerformanceMonitor`). */
	monitor: PerformanceMonitor;
	/**
	 * Name of the adapter's own plugin, as Rollup shows it in warnings.
	 * @default 'perftop'
	 */
	name?: string;
}

/** Any function, as a plugin's hook handler is typed loosely here. */
type Handler = (...args: never[]) => unknown;

/** Plugins instrumented by any perftopRollup plugin, so two of them in one build never wrap a hook twice. */
const instrumented = new WeakSet<object>();
/**
 * The `api` objects of the adapter's own plugins. A plugin whose `api` is one of them is never instrumented:
 * the api survives the shallow copies hosts make of plugins (Vite copies each plugin to give hooks its
 * environment), the plugin object itself does not.
 */
const ownApis = new WeakSet<object>();

/**
 * A Rollup plugin (also a Vite plugin, for `vite build` and the dev server) that records every other plugin's
 * hook calls into `monitor`: op = the hook's name (`resolveId`, `transform`, ...), plugin = the plugin's `name`,
 * kind `hook`. Place it first in `plugins`. Hooks given as `{order, handler}` objects are timed through their `handler`;
 * async hooks are timed to settlement. The plugin objects get their original hooks back at `closeBundle`
 * (`bundle.close()`), or whenever the returned plugin's `api.undo()` is called.
 *
 * @example
 * ```ts
 * const bundle = await rollup({input, plugins: [perftopRollup({monitor}), nodeResolve(), commonjs()]});
 * await bundle.write({dir: 'dist'});
 * await bundle.close();
 * ```
 */
export function perftopRollup({monitor, name = 'perftop'}: PerftopRollupOptions): Plugin<PerftopRollupApi> {
	const adapter = new RollupInstrumentation(monitor);
	const api: PerftopRollupApi = {undo: () => adapter.undo(), instrumented: () => adapter.names()};
	ownApis.add(api);
	const plugin: Plugin<PerftopRollupApi> & ViteHooks = {
		name,
		api,
		// Vite's dev server calls plugins through its own container, never through Rollup, and passes no plugin list
		// to `options` or `buildStart`: the resolved config's `plugins` is that list. Only for `serve`: a build copies
		// every plugin for Rollup, and the copies are instrumented through the hooks below.
		configResolved: {
			order: 'pre',
			handler(config) {
				if (config.command === 'serve') adapter.instrumentListSync(config.plugins);
			},
		},
		options: {
			order: 'pre',
			async handler(options) {
				// The list as given: arrays nest, entries may be promises of plugins or falsy.
				await adapter.instrumentList(options.plugins, {named: true});
				return null;
			},
		},
		buildStart: {
			order: 'pre',
			sequential: true,
			handler(options: NormalizedInputOptions) {
				adapter.instrumentListSync(options.plugins);
			},
		},
		renderStart: {
			order: 'pre',
			sequential: true,
			handler(outputOptions: NormalizedOutputOptions) {
				adapter.instrumentListSync(outputOptions.plugins);
			},
		},
		closeBundle: {
			order: 'post',
			sequential: true,
			handler() {
				adapter.undo();
			},
		},
	};
	return plugin;
}

/** The one Vite hook the plugin has, typed here so that the adapter needs no Vite types. */
interface ViteHooks {
	configResolved: {order: 'pre'; handler(config: {command?: string; plugins?: readonly unknown[]}): void};
}

/** What the adapter's plugin exposes as its `api` (Rollup's way for plugins to talk to each other). */
export interface PerftopRollupApi {
	/** Puts every instrumented plugin's original hooks back (idempotent; done at `closeBundle` anyway). */
	undo(): void;
	/** Names of the plugins instrumented right now. */
	instrumented(): string[];
}

/** The instrumented plugins of one perftopRollup plugin and how to put each back. */
class RollupInstrumentation {
	readonly #monitor: PerformanceMonitor;
	readonly #undo = new Map<object, {name: string; restore: Array<() => void>}>();

	constructor(monitor: PerformanceMonitor) {
		this.#monitor = monitor;
	}

	/** Instruments a plugin option as the user may write it: nested arrays, promises of plugins, falsy entries. */
	async instrumentList(list: unknown, {named}: {named: boolean}): Promise<void> {
		try {
			for (const entry of await flatten(list)) if (!named || hasName(entry)) this.#instrument(entry);
		} catch (error) {
			this.#monitor.faults.report('instrument', error);
		}
	}

	/** Instruments a normalized plugin list (Rollup has already flattened it and named every plugin). */
	instrumentListSync(list: readonly unknown[] | undefined): void {
		if (!Array.isArray(list)) return;
		for (const entry of list) this.#instrument(entry);
	}

	#instrument(plugin: unknown): void {
		if (typeof plugin !== 'object' || plugin === null || instrumented.has(plugin)) return;
		const api = (plugin as {api?: unknown}).api;
		if (typeof api === 'object' && api !== null && ownApis.has(api)) return;
		if (!this.#monitor.enabled) return;
		const name = hasName(plugin) ? plugin.name : '(anonymous)';
		const restore: Array<() => void> = [];
		const record = plugin as Record<string, unknown>;
		for (const key of hookKeys(plugin)) {
			try {
				const own = Object.getOwnPropertyDescriptor(plugin, key);
				if (own ? !own.configurable && !own.writable : !Object.isExtensible(plugin)) throw new TypeError(`perftop/rollup: hook '${key}' of plugin '${name}' cannot be replaced (frozen or read-only); it runs untimed`);
				const original = record[key];
				const replacement = this.#timed(original, key, name);
				if (replacement === original) continue;
				if (own && !own.configurable) record[key] = replacement;
				else Object.defineProperty(plugin, key, {value: replacement, writable: true, configurable: true, enumerable: own ? own.enumerable : true});
				restore.push(() => {
					// Put back only what is still ours: a later change by someone else stays.
					if (record[key] !== replacement) return;
					if (own && !own.configurable) record[key] = original;
					else if (own) Object.defineProperty(plugin, key, own);
					else delete record[key];
				});
			} catch (error) {
				// A frozen plugin or a non-configurable hook: that hook runs untimed, the others are still timed.
				this.#monitor.faults.report('instrument', error);
			}
		}
		instrumented.add(plugin);
		this.#undo.set(plugin, {name, restore});
	}

	/** The timed form of one hook value (a function or a `{handler}` object), or the value itself. */
	#timed(value: unknown, hook: string, plugin: string): unknown {
		if (typeof value === 'function') return this.#monitor.wrap(value as Handler, {op: hook, plugin, kind: 'hook'});
		if (typeof value !== 'object' || value === null) return value;
		const handler = Object.getOwnPropertyDescriptor(value, 'handler');
		if (!handler || typeof handler.value !== 'function') return value;
		const wrapped = this.#monitor.wrap(handler.value as Handler, {op: hook, plugin, kind: 'hook'});
		if (wrapped === handler.value) return value;
		// A copy, not the object itself: hook objects may be shared between plugin instances. The copy keeps
		// `order`, `sequential` and the very same `filter` object, which Rollup caches its compiled filters by.
		const copy = Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as Record<string, unknown>;
		Object.defineProperty(copy, 'handler', {...handler, value: wrapped});
		return copy;
	}

	undo(): void {
		for (const [plugin, {restore}] of this.#undo) {
			for (const put of restore) {
				try {
					put();
				} catch (error) {
					this.#monitor.faults.report('instrument', error);
				}
			}
			instrumented.delete(plugin);
		}
		this.#undo.clear();
	}

	names(): string[] {
		return [...this.#undo.values()].map(entry => entry.name);
	}
}

function hasName(plugin: unknown): plugin is {name: string} {
	return typeof plugin === 'object' && plugin !== null && typeof (plugin as {name?: unknown}).name === 'string' && (plugin as {name: string}).name !== '';
}

/**
 * The keys Rollup may call as hooks: string-keyed data properties of the plugin and of its prototypes (a
 * plugin may be a class instance), holding a function or an object with a function `handler`. Getters are
 * never read, `constructor` is no hook.
 */
function hookKeys(plugin: object): string[] {
	const keys: string[] = [];
	const seen = new Set<string>();
	for (let proto: object | null = plugin; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
		for (const key of Object.getOwnPropertyNames(proto)) {
			if (seen.has(key)) continue;
			seen.add(key);
			if (key === 'constructor') continue;
			const descriptor = Object.getOwnPropertyDescriptor(proto, key);
			if (!descriptor || !('value' in descriptor)) continue;
			const value: unknown = descriptor.value;
			if (typeof value === 'function' && isClass(value)) continue;
			if (typeof value === 'function' || (typeof value === 'object' && value !== null && typeof (value as {handler?: unknown}).handler === 'function')) keys.push(key);
		}
	}
	return keys;
}

/** True for a class: its `prototype` is read-only, unlike a plain function's (methods and arrows have none). */
function isClass(fn: unknown): boolean {
	return typeof fn === 'function' && Object.getOwnPropertyDescriptor(fn, 'prototype')?.writable === false;
}

/** Rollup's plugin option as the user writes it, flattened: nested arrays and promises resolved, falsy dropped. */
async function flatten(list: unknown): Promise<unknown[]> {
	const out: unknown[] = [];
	const visit = async (entry: unknown): Promise<void> => {
		const value: unknown = await entry;
		if (Array.isArray(value)) for (const item of value) await visit(item);
		else if (value) out.push(value);
	};
	await visit(list);
	return out;
}
