/**
 * PluginManager: registers plugin objects or loads plugin modules, calls hooks, and (with a monitor
 * attached) instruments itself from the inside: load time and memory per plugin, one series per
 * (hook, plugin), errors attributed to the plugin whose implementation threw.
 *
 * Hook calls behave the same with and without a monitor (results, order, errors, async behaviour): the
 * monitor's timing passes arguments, results and errors through unchanged. Everything about monitoring is
 * decided when a plugin registers or a monitor attaches, so a call only looks up the hook's current array
 * and loops over it.
 */
import {readdirSync} from 'node:fs';
import {resolve} from 'node:path';
import {timingOf} from '../metrics/timing.js';
import type {PerformanceMonitor, PluginLoadRecord} from '../monitor/monitor.js';
import {callParallel, callSeries} from './calls.js';
import {LoadStop, PluginError, toPluginError} from './errors.js';
import {HookTable} from './hook-table.js';
import {measureLoad} from './measure.js';
import {directorySpecs, pluginFromModule} from './modules.js';
import {isPathSpecifier, nameFromSpecifier} from './resolve.js';
import {hookEntries, nameOf, validatePlugin} from './shape.js';
import type {HookFunction, LoadResult, Plugin, PluginContext, PluginManagerOptions, PluginSpec} from './types.js';

// The names the manager module has always exported (the public entry re-exports them from index.ts).
/** The plugin types, re-exported for callers of the manager. */
export type {HookFunction, LoadResult, Plugin, PluginContext, PluginManagerOptions} from './types.js';

interface LivePlugin {
	plugin: Plugin;
	source: string;
}

/**
 * Loads plugins (objects, files, directories or packages) and calls their hooks: every result, the first result, in sequence or in parallel.
 * With a monitor it records each plugin's load time and memory and times every (hook, plugin) pair; `attach`
 * switches that on, and the detach it returns puts the exact original functions back.
 */
export class PluginManager {
	readonly #hooks = new HookTable();
	/** Live plugins in registration order. */
	readonly #live = new Map<string, LivePlugin>();
	/** Names whose load is in progress. */
	readonly #loading = new Set<string>();
	/** The latest load record per name, replayed to a monitor attached later. */
	readonly #records = new Map<string, PluginLoadRecord>();
	readonly #services: Record<string, unknown>;
	readonly #cwd: string | undefined;
	readonly #forceGc: boolean | undefined;
	#monitor: PerformanceMonitor | null = null;
	#attachment: object | null = null;

	constructor(options: PluginManagerOptions = {}) {
		this.#services = options.services ?? {};
		this.#cwd = options.cwd;
		this.#forceGc = options.forceGc;
		if (options.monitor) this.attach(options.monitor);
	}

	/** The attached monitor, or null. */
	get monitor(): PerformanceMonitor | null {
		return this.#monitor;
	}

	// ---- loading ----

	/**
	 * Registers a plugin object: checks its shape and name, runs its setup (awaited), then adds its hooks
	 * after every plugin registered before. The `hooks` object is read once, here: changing it later has
	 * no effect. Never throws: a failure comes back as `{ok: false, error}` with a
	 * PluginError naming the plugin and the cause, and is recorded as `failed`.
	 */
	async register(plugin: Plugin, options: Record<string, unknown> = {}): Promise<LoadResult> {
		return this.#run('object', 'object', nameOf(plugin) ?? '(unnamed plugin)', options, async () => plugin);
	}

	/**
	 * Loads a plugin module: a file, a directory (package.json "exports"/"main", else index.js/index.ts) or a
	 * package name resolved from the base directory (option `cwd`, default process.cwd()). The module
	 * exports the plugin as described in shape.ts (default plugin object, default factory called with
	 * `options`, or a named `plugin` export). Never throws; see register().
	 */
	async load(specifier: string, options: Record<string, unknown> = {}): Promise<LoadResult> {
		const baseDir = this.#cwd ?? process.cwd();
		const source = isPathSpecifier(specifier) && !specifier.startsWith('file:') ? resolve(baseDir, specifier) : specifier;
		return this.#run(specifier, source, nameFromSpecifier(specifier), options, () => pluginFromModule(specifier, baseDir, options));
	}

	/**
	 * Loads several plugins one after the other, in the given order (so registration order, load figures and
	 * memory deltas do not depend on timing). A failure does not stop the others. One result per entry.
	 */
	async loadAll(specifiers: PluginSpec[]): Promise<LoadResult[]> {
		const results: LoadResult[] = [];
		for (const spec of specifiers) {
			results.push(typeof spec === 'string' ? await this.load(spec) : await this.load(spec.specifier, spec.options));
		}
		return results;
	}

	/**
	 * Loads every plugin in `directory`, sorted by entry name: each module file (.js, .mjs, .cjs, .ts, .mts;
	 * not .d.ts or *.test.*) and each subdirectory (as a package). Entries starting with `.` or `_` and
	 * node_modules are skipped. `options` gives per-plugin options by entry name without extension. A
	 * directory that cannot be read gives one failed result naming it.
	 */
	async loadDirectory(directory: string, options: Record<string, Record<string, unknown>> = {}): Promise<LoadResult[]> {
		const path = resolve(this.#cwd ?? process.cwd(), directory);
		let entries;
		try {
			entries = readdirSync(path, {withFileTypes: true});
		} catch (error) {
			return [await this.#run(directory, path, nameFromSpecifier(path), {}, async () => Promise.reject(new LoadStop('resolve', error)))];
		}
		return this.loadAll(directorySpecs(path, entries, options));
	}

	/**
	 * The load pipeline shared by register/load: `obtain` yields the would-be plugin (import, factory); then
	 * shape and name checks and setup, all measured as one load; then the hooks go live and the outcome is
	 * recorded.
	 */
	async #run(specifier: string, source: string, fallbackName: string, options: Record<string, unknown>, obtain: () => Promise<unknown>): Promise<LoadResult> {
		// Written inside the measured function; an object so the compiler does not narrow it away.
		const known: {name: string | null; reserved: boolean} = {name: null, reserved: false};
		const measured = await measureLoad(this.#wantsGc(), async () => {
			const candidate = await obtain();
			let plugin: Plugin;
			try {
				plugin = validatePlugin(candidate);
			} catch (error) {
				known.name = nameOf(candidate);
				throw new LoadStop('shape', error);
			}
			const {name} = plugin;
			known.name = name;
			if (this.#live.has(name) || this.#loading.has(name)) {
				const other = this.#live.get(name);
				const where = other ? (other.source === 'object' ? 'is already registered as an object' : `is already loaded from ${other.source}`) : 'is still loading';
				throw new LoadStop('duplicate', null, `has a duplicate name: a plugin named '${name}' ${where}`);
			}
			this.#loading.add(name);
			known.reserved = true;
			this.#record({name, source, state: 'loading', loadMs: null, loadBytes: null, loadMemoryMode: null, error: null});
			if (plugin.setup) {
				try {
					await plugin.setup(this.#context(name, options));
				} catch (error) {
					throw new LoadStop('setup', error);
				}
			}
			return plugin;
		});
		if (known.reserved && known.name !== null) this.#loading.delete(known.name);
		const {cost} = measured;
		if (measured.ok) {
			const plugin = measured.value;
			this.#live.set(plugin.name, {plugin, source});
			this.#hooks.add(plugin.name, hookEntries(plugin));
			this.#record({name: plugin.name, source, state: 'loaded', loadMs: cost.ms, loadBytes: cost.bytes, loadMemoryMode: cost.mode, error: null});
			return {name: plugin.name, ok: true, source, loadMs: cost.ms, loadBytes: cost.bytes, loadMemoryMode: cost.mode};
		}
		const error = toPluginError(measured.error, {plugin: known.name, specifier});
		// A failure must not overwrite the record of a live (or still loading) plugin of the same name.
		let recordName = known.name ?? fallbackName;
		if (this.#live.has(recordName) || this.#loading.has(recordName)) recordName = `${recordName} [${source}]`;
		this.#record({name: recordName, source, state: 'failed', loadMs: cost.ms, loadBytes: cost.bytes, loadMemoryMode: cost.mode, error: error.message});
		return {name: recordName, ok: false, source, error};
	}

	#context(name: string, options: Record<string, unknown>): PluginContext {
		return {
			name,
			options,
			services: this.#services,
			load: (specifier, nestedOptions) => this.load(specifier, nestedOptions),
			register: (plugin, nestedOptions) => this.register(plugin, nestedOptions),
		};
	}

	#wantsGc(): boolean {
		return this.#forceGc ?? this.#monitor !== null;
	}

	// ---- unloading ----

	/**
	 * Removes a plugin: its hooks stop being called at once (calls already looping keep their list), the
	 * monitor marks it unloaded, then its teardown runs (awaited). Resolves false when no such plugin is
	 * live. A teardown failure rejects with a PluginError (stage `teardown`) after the plugin was removed.
	 */
	async unregister(name: string): Promise<boolean> {
		const live = this.#live.get(name);
		if (!live) return false;
		this.#live.delete(name);
		this.#hooks.remove(name);
		const record = this.#records.get(name);
		if (record) this.#records.set(name, {...record, state: 'unloaded'});
		this.#tell(monitor => monitor.recordPluginUnload(name));
		if (live.plugin.teardown) {
			try {
				await live.plugin.teardown();
			} catch (error) {
				throw PluginError.from('teardown', {plugin: name, specifier: live.source}, error);
			}
		}
		return true;
	}

	/** Unregisters every plugin, the last registered first. Resolves with the teardown failures (never rejects). */
	async close(): Promise<PluginError[]> {
		const failures: PluginError[] = [];
		for (const name of [...this.#live.keys()].reverse()) {
			try {
				await this.unregister(name);
			} catch (error) {
				failures.push(error as PluginError);
			}
		}
		return failures;
	}

	// ---- introspection ----

	/** Names of the live plugins, in registration order. */
	get names(): string[] {
		return [...this.#live.keys()];
	}

	/** True when a plugin of that name is live. */
	has(name: string): boolean {
		return this.#live.has(name);
	}

	/** The live plugin object of that name. */
	get(name: string): Plugin | undefined {
		return this.#live.get(name)?.plugin;
	}

	/** Hook names with at least one implementation. */
	hookNames(): string[] {
		return this.#hooks.hooks();
	}

	/** The plugins implementing `hook`, in call order. */
	pluginsFor(hook: string): string[] {
		return this.#hooks.plugins(hook);
	}

	/** The functions a call of `hook` runs now, in order: the raw implementations, or their wrappers while a monitor is attached. */
	implementations(hook: string): readonly HookFunction[] {
		return [...(this.#hooks.active.get(hook) ?? [])];
	}

	// ---- calling ----

	/**
	 * Calls every implementation of `name` in registration order and returns their results in that order
	 * (an empty array when none). A promise returned by an implementation is put in the results as is. A
	 * throw stops the loop and propagates unchanged (the same object).
	 */
	callHook(name: string, ...args: unknown[]): unknown[] {
		const implementations = this.#hooks.active.get(name);
		if (implementations === undefined) return [];
		const count = implementations.length;
		const results = new Array<unknown>(count);
		for (let index = 0; index < count; index++) {
			// Called through a local so the implementation gets no `this` (never the array).
			const implementation = implementations[index]!;
			results[index] = implementation(...args);
		}
		return results;
	}

	/**
	 * Calls implementations in registration order until one returns something other than undefined, and
	 * returns that (a promise counts as a result). Undefined when none does. Throws propagate unchanged.
	 */
	callHookFirst(name: string, ...args: unknown[]): unknown {
		const implementations = this.#hooks.active.get(name);
		if (implementations === undefined) return undefined;
		const count = implementations.length;
		for (let index = 0; index < count; index++) {
			const implementation = implementations[index]!;
			const result = implementation(...args);
			if (result !== undefined) return result;
		}
		return undefined;
	}

	/**
	 * Calls implementations one after the other, awaiting each before starting the next; resolves with the
	 * settled results in registration order. The first throw or rejection stops the sequence and rejects
	 * with that same error. Plugins registered or removed meanwhile do not change a sequence in progress.
	 */
	callHookSeries(name: string, ...args: unknown[]): Promise<unknown[]> {
		return callSeries(this.#hooks, name, args);
	}

	/**
	 * Starts every implementation in registration order before awaiting any, then resolves with all settled
	 * results in registration order (Promise.all). A synchronous throw counts as that implementation's
	 * rejection (the others are still started); the result rejects with the first rejection to happen.
	 */
	callHookParallel(name: string, ...args: unknown[]): Promise<unknown[]> {
		return callParallel(this.#hooks, name, args);
	}

	// ---- monitoring ----

	/**
	 * Attaches a monitor: every implementation (present and future) is timed into its (hook, plugin) series
	 * (sync calls run its wrapper; sequential and parallel calls time the raw function themselves, see
	 * calls.ts), load records so far are reported, and later loads are measured with forced GCs when `global.gc`
	 * exists (unless the `forceGc` option says otherwise). A manager has one monitor at a time: attaching
	 * another detaches the first. Returns the detach, which puts the raw implementations back (the same
	 * function objects) and is a no-op once another monitor was attached.
	 */
	attach(monitor: PerformanceMonitor): () => void {
		if (this.#attachment) this.#detach();
		const attachment = {};
		this.#attachment = attachment;
		this.#monitor = monitor;
		this.#hooks.attach((implementation, hook, plugin) => {
			try {
				const wrapped = monitor.wrap(implementation, {op: hook, plugin, kind: 'hook'}) as HookFunction;
				return {wrapped, parts: timingOf(wrapped) ?? null};
			} catch (error) {
				monitor.faults.report('plugin-wrap', error);
				return {wrapped: implementation, parts: null};
			}
		});
		for (const record of this.#records.values()) this.#tell(target => target.recordPluginLoad(record));
		return () => {
			if (this.#attachment === attachment) this.#detach();
		};
	}

	#detach(): void {
		this.#hooks.detach();
		this.#attachment = null;
		this.#monitor = null;
	}

	#record(record: PluginLoadRecord): void {
		this.#records.set(record.name, record);
		this.#tell(monitor => monitor.recordPluginLoad(record));
	}

	/** Reports to the monitor, if any; a monitor failure is its own fault, never the host's. */
	#tell(report: (monitor: PerformanceMonitor) => void): void {
		const monitor = this.#monitor;
		if (!monitor) return;
		try {
			report(monitor);
		} catch (error) {
			try {
				monitor.faults.report('plugin-record', error);
			} catch {
				// Nothing left to tell.
			}
		}
	}
}
