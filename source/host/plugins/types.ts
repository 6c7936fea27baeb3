/**
 * The plugin contract: what a plugin is, what a plugin module may export, and what loading returns.
 */
import type {PerformanceMonitor} from '../monitor/monitor.js';
import type {PluginError} from './errors.js';

/**
 * One hook implementation. It is called as a plain function (no `this`) with the arguments given to
 * callHook*; it may return anything, including a promise.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
/** A hook implementation: any function; sync results, promises and throws are all handled. */
export type HookFunction = (...args: any[]) => unknown;

/** A plugin: a name and hook implementations. */
export interface Plugin {
	/** Unique among the plugins registered in one manager. */
	name: string;
	version?: string;
	/** Hook implementations by hook name; every value must be a function. */
	hooks: Record<string, HookFunction>;
	/**
	 * Runs once at load, before any of the plugin's hooks can be called; may be async (the load waits for it,
	 * and its time and memory count as the plugin's load cost). A throw or rejection fails the load.
	 */
	setup?: (context: PluginContext) => void | Promise<void>;
	/** Runs at unregister, after the plugin's hooks were removed; may be async. */
	teardown?: () => void | Promise<void>;
}

/** What a plugin's setup receives. */
export interface PluginContext {
	name: string;
	/** Options given for this plugin at load. */
	options: Record<string, unknown>;
	/** Services the host shares with plugins (database, caches, monitor...). */
	services: Record<string, unknown>;
	/**
	 * Loads another plugin from inside this setup (relative paths and package names resolve from the
	 * manager's base directory, as for PluginManager.load). The nested plugin registers first (its hooks
	 * come before this plugin's), and its load time and memory are not counted in this plugin's self cost.
	 */
	load(specifier: string, options?: Record<string, unknown>): Promise<LoadResult>;
	/** Registers another plugin object from inside this setup (same accounting as `load`). */
	register(plugin: Plugin, options?: Record<string, unknown>): Promise<LoadResult>;
}

/**
 * A plugin factory, as a module's default export: called once per load with the load options; may be
 * async. Its time and memory count as the plugin's load cost.
 */
export type PluginFactory = (options: Record<string, unknown>) => Plugin | Promise<Plugin>;

/** One entry of loadAll(): a specifier, or a specifier with the options for that plugin. */
export type PluginSpec = string | {specifier: string; options?: Record<string, unknown>};

/** How load memory was measured: `gc` between forced collections, `heap-delta` as the raw heapUsed difference. */
export type LoadMemoryMode = 'gc' | 'heap-delta';

/** The outcome of one load or register. Loading never throws: a failure comes back as `ok: false`. */
export type LoadResult =
	| {
			/** The plugin's own name. */
			name: string;
			ok: true;
			/** Module path (file), package name, or `object` for register(). */
			source: string;
			/** Self time of the load (resolve, import, factory, setup; nested loads excluded), ms. */
			loadMs: number;
			/** Heap growth caused by the load (nested loads excluded), bytes; may be negative. */
			loadBytes: number;
			loadMemoryMode: LoadMemoryMode;
	  }
	| {
			/**
			 * The plugin's name when known; otherwise a name derived from the specifier (file or directory name
			 * without extension, or the package name). When that name belongs to a live plugin, the source is
			 * appended in brackets so the live plugin's record is not overwritten.
			 */
			name: string;
			ok: false;
			source: string;
			error: PluginError;
	  };

/** Options of a PluginManager. */
export interface PluginManagerOptions {
	/** Attach this monitor from the start (same as calling attach()). */
	monitor?: PerformanceMonitor;
	/** Shared with every plugin's setup as `context.services`. */
	services?: Record<string, unknown>;
	/** Base directory for relative paths and package names (default: process.cwd() at each load). */
	cwd?: string;
	/**
	 * Force a garbage collection before and after each load, for accurate load memory. Default: when
	 * `global.gc` exists (node --expose-gc) and a monitor is attached. Ignored without `global.gc`.
	 */
	forceGc?: boolean;
}
