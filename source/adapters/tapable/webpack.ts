/**
 * PerftopWebpackPlugin: webpack's hooks timed per plugin, built on the tapable instrumentation. It follows the
 * objects a build hands out: the compiler and its child compilers, every compilation (child compilations
 * too), every normal and context module factory, and every parser the normal module factory creates (through
 * its `parser` hook map). Hooks are reached through own data properties only, so deprecated accessors (such as
 * `compilation.hooks.normalModuleLoader`) are never read and print no deprecation warning.
 *
 * Loads: the plugins listed after this one in `plugins` get their `apply` measured as their load (through
 * `monitor.measureLoad`), under their class name (a function plugin: its function name; a plain object:
 * `plugins[i]`).
 *
 * Attribution: a tap is charged to what was running when it was registered. During a measured `apply`, that
 * plugin (also for the taps of plugins it applies itself, as `new DefinePlugin(...).apply(compiler)` inside its
 * own `apply`: their work is its configuration); during a timed tap's call (most taps on a compilation, a
 * module factory or a parser are registered from a tap on the hook that hands that object out), the plugin that
 * tap is charged to. Webpack plugins often tap under a name that is not their class name (e.g.
 * 'mini-css-extract-plugin'), and one class may be applied by several plugins: the tap name decides only when
 * nothing of ours runs (webpack's built-in plugins, plugins listed before this one, taps that were on a hook
 * before it was reached). Two instances of one class listed in `plugins` share one name: their hooks add up,
 * and the load shown is the last one's.
 */
import type {PerformanceMonitor} from '../../index.js';
import {TapableInstrumentation, type RunningTap} from './instrument.js';

/** The name PerftopWebpackPlugin taps under (its own taps are not timed). */
export const PERFTOP_WEBPACK_PLUGIN = 'PerftopWebpackPlugin';

/** Options of {@link PerftopWebpackPlugin}. */
export interface PerftopWebpackPluginOptions {
	/** Where the timings go. */
	monitor: PerformanceMonitor;
}

/** A hook this plugin taps itself. */
interface OwnTapHook {
	tap(options: {name: string; stage?: number}, fn: (...args: never[]) => void): void;
}

/** What is read of a webpack `Compiler` (typed loosely so that any webpack 5 compiler fits). */
export interface WebpackCompilerLike {
	hooks: object;
	options?: {plugins?: unknown[]};
}

/** Our taps run before everyone else's, so that hooks are intercepted before other taps can call them. */
const FIRST = -Infinity;

/** A plugin of `plugins` whose `apply` is measured, and how to put it back. */
interface PendingLoad {
	restore(): void;
}

/**
 * A webpack plugin that times every hook tap of the build per plugin (see the file comment). Put it first in
 * `plugins` so that the other plugins' `apply` is recorded as their load; anywhere else, their hooks are still
 * timed. Times go to the monitor as hook series `compiler:<hook>`, `compilation:<hook>`,
 * `normalModuleFactory:<hook>`, `contextModuleFactory:<hook>` and `parser:<hook>` of each plugin.
 */
export class PerftopWebpackPlugin {
	readonly #monitor: PerformanceMonitor;
	readonly #instrumentation: TapableInstrumentation;
	/** The plugin whose `apply`, or whose timed tap, is running now (see the file comment). */
	readonly #running: RunningTap = {owner: null};
	readonly #compilers = new WeakSet<object>();
	readonly #pending = new Set<PendingLoad>();

	constructor(options: PerftopWebpackPluginOptions) {
		if (options === null || typeof options !== 'object' || options.monitor === undefined) throw new TypeError('perftop: new PerftopWebpackPlugin({monitor}) needs a monitor');
		this.#monitor = options.monitor;
		this.#instrumentation = new TapableInstrumentation(options.monitor, {
			ignore: name => name === PERFTOP_WEBPACK_PLUGIN,
			plugin: name => this.#running.owner ?? name,
			running: this.#running,
		});
	}

	/** Called by webpack with each compiler this plugin is listed in. */
	apply(compiler: WebpackCompilerLike): void {
		if (!this.#instrumentation.active || !this.#monitor.enabled || this.#compilers.has(compiler)) return;
		this.#compilers.add(compiler);
		try {
			this.#measureLoads(compiler);
			this.#follow(compiler);
		} catch (error) {
			this.#monitor.faults.report('instrument', error);
		}
	}

	/**
	 * Times the hooks of another object the build hands out, with the same attribution and undo as the rest:
	 * hooks that webpack or a plugin keeps per compilation behind a static getter, e.g. in a `thisCompilation`
	 * tap, `perftop.add(webpack.NormalModule.getCompilationHooks(compilation), 'normalModule')` for the loader
	 * hooks. Ops are named `<prefix>:<key>`.
	 */
	add(hooks: object, prefix: string): void {
		this.#instrumentation.add(hooks, prefix);
	}

	/**
	 * Stops timing: nothing more is recorded, taps get their original functions back where they still hold
	 * perftop's (see instrumentTapable's undo), and plugins whose `apply` webpack has not called yet get their
	 * own `apply` back.
	 */
	undo(): void {
		this.#instrumentation.undo();
		for (const load of [...this.#pending]) load.restore();
	}

	/** Compiler, then each compilation, module factory and parser as webpack creates them. */
	#follow(compiler: WebpackCompilerLike): void {
		const instrumentation = this.#instrumentation;
		instrumentation.add(compiler.hooks, 'compiler');
		const hooks = compiler.hooks as Partial<Record<'thisCompilation' | 'compilation' | 'normalModuleFactory' | 'contextModuleFactory' | 'initialize', OwnTapHook>>;
		const own = {name: PERFTOP_WEBPACK_PLUGIN, stage: FIRST};
		const compilations = new WeakSet<object>();
		const onCompilation = (compilation: {hooks?: {childCompiler?: unknown}}, params?: {normalModuleFactory?: {hooks?: object}; contextModuleFactory?: {hooks?: object}}) => {
			if (!compilation?.hooks || compilations.has(compilation)) return;
			compilations.add(compilation);
			instrumentation.add(compilation.hooks, 'compilation');
			// Also reached through the factory hooks below; a hook reached twice is intercepted once.
			if (params?.normalModuleFactory?.hooks) instrumentation.add(params.normalModuleFactory.hooks, 'normalModuleFactory');
			if (params?.contextModuleFactory?.hooks) instrumentation.add(params.contextModuleFactory.hooks, 'contextModuleFactory');
			// A child compiler (HTML and worker plugins make them) gets copies of this compiler's taps, which are
			// timed already, and taps of its own plugins, which its hooks' interceptors time.
			(compilation.hooks.childCompiler as Partial<OwnTapHook> | undefined)?.tap?.(own, (child: {hooks?: object}) => {
				if (child?.hooks) instrumentation.add(child.hooks, 'compiler');
			});
		};
		// `thisCompilation` comes first, `compilation` also runs for child compilations.
		hooks.thisCompilation?.tap(own, onCompilation);
		hooks.compilation?.tap(own, onCompilation);
		hooks.normalModuleFactory?.tap(own, (factory: {hooks?: {parser?: unknown}}) => {
			if (!factory.hooks) return;
			instrumentation.add(factory.hooks, 'normalModuleFactory');
			// Each parser comes through the hook the `parser` map holds for its module type.
			instrumentation.eachHookOf(factory.hooks.parser, hook => {
				(hook as Partial<OwnTapHook>).tap?.(own, (parser: {hooks?: object}) => {
					if (parser?.hooks) instrumentation.add(parser.hooks, 'parser');
				});
			});
		});
		hooks.contextModuleFactory?.tap(own, (factory: {hooks?: object}) => {
			if (factory.hooks) instrumentation.add(factory.hooks, 'contextModuleFactory');
		});
		// Every plugin has been applied by now: give back any `apply` webpack did not call.
		hooks.initialize?.tap(own, () => {
			for (const load of [...this.#pending]) load.restore();
		});
	}

	/** Measures the `apply` of every plugin listed after this one (see the file comment). */
	#measureLoads(compiler: WebpackCompilerLike): void {
		const plugins = compiler.options?.plugins;
		if (!Array.isArray(plugins)) return;
		const at = plugins.indexOf(this);
		if (at === -1) return;
		for (let index = at + 1; index < plugins.length; index++) {
			const plugin: unknown = plugins[index];
			if (typeof plugin === 'function') this.#measureFunction(plugins, index, plugin as (this: unknown, compiler: unknown) => unknown);
			else if (plugin !== null && typeof plugin === 'object' && typeof (plugin as {apply?: unknown}).apply === 'function') this.#measureApply(plugin as {apply: (compiler: unknown) => unknown}, index);
		}
	}

	/** A plugin object: an own `apply` that measures the original and removes itself first. */
	#measureApply(plugin: {apply: (compiler: unknown) => unknown}, index: number): void {
		const name = pluginName(plugin, index);
		const original = plugin.apply;
		const previous = Object.getOwnPropertyDescriptor(plugin, 'apply');
		const measure = (self: unknown, compiler: unknown) => this.#load(name, () => original.call(self, compiler));
		const load: PendingLoad = {
			restore: () => {
				this.#pending.delete(load);
				try {
					if (previous) Object.defineProperty(plugin, 'apply', previous);
					else delete (plugin as {apply?: unknown}).apply;
				} catch (error) {
					this.#monitor.faults.report('instrument', error);
				}
			},
		};
		try {
			Object.defineProperty(plugin, 'apply', {
				configurable: true,
				writable: true,
				enumerable: previous?.enumerable ?? false,
				value: function apply(this: unknown, compiler: unknown) {
					load.restore();
					return measure(this, compiler);
				},
			});
			this.#pending.add(load);
		} catch (error) {
			// A frozen plugin object: its load is not measured, its hooks still are.
			this.#monitor.faults.report('instrument', error);
		}
	}

	/** A function plugin: its entry in the list is replaced until webpack calls it. */
	#measureFunction(plugins: unknown[], index: number, plugin: (this: unknown, compiler: unknown) => unknown): void {
		const name = plugin.name || `plugins[${index}]`;
		const load: PendingLoad = {
			restore: () => {
				this.#pending.delete(load);
				if (plugins[index] === wrapper) plugins[index] = plugin;
			},
		};
		const measure = (self: unknown, compiler: unknown) => this.#load(name, () => plugin.call(self, compiler));
		const wrapper = function (this: unknown, compiler: unknown) {
			load.restore();
			return measure(this, compiler);
		};
		Object.defineProperty(wrapper, 'name', {value: plugin.name, configurable: true});
		plugins[index] = wrapper;
		this.#pending.add(load);
	}

	/** Runs one plugin's `apply` as its load; the taps it registers meanwhile are charged to it. */
	#load<T>(name: string, apply: () => T): T {
		const running = this.#running;
		const outer = running.owner;
		running.owner = name;
		try {
			return this.#instrumentation.active ? this.#monitor.measureLoad(name, apply) : apply();
		} finally {
			running.owner = outer;
		}
	}
}

/** A plugin object's name: its class name, or `plugins[i]` for a plain object. */
function pluginName(plugin: object, index: number): string {
	const maker = (plugin as {constructor?: unknown}).constructor;
	const name = typeof maker === 'function' && maker !== Object ? maker.name : '';
	return name || `plugins[${index}]`;
}
