// STUB (replaced by the plugin-manager work). The API below is the contract other parts code against.
import type {PerformanceMonitor} from '../monitor.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HookFunction = (...args: any[]) => unknown;

/** A plugin: a name and hook implementations. */
export interface Plugin {
	name: string;
	version?: string;
	/** Hook implementations by hook name. */
	hooks: Record<string, HookFunction>;
	/** Runs at load (counted in load time and memory); may be async. */
	setup?: (context: PluginContext) => void | Promise<void>;
	/** Runs at unregister; may be async. */
	teardown?: () => void | Promise<void>;
}

/** What a plugin's setup receives. */
export interface PluginContext {
	name: string;
	/** Options given for this plugin at load. */
	options: Record<string, unknown>;
	/** Services the host shares with plugins (database, caches, monitor...). */
	services: Record<string, unknown>;
}

export interface PluginManagerOptions {
	monitor?: PerformanceMonitor;
	services?: Record<string, unknown>;
}

export type LoadResult = {name: string; ok: true; loadMs: number; loadBytes: number} | {name: string; ok: false; error: Error};

export class PluginManager {
	constructor(_options: PluginManagerOptions = {}) {}
	async register(plugin: Plugin, _options: Record<string, unknown> = {}): Promise<LoadResult> {
		return {name: plugin.name, ok: false, error: new Error('not implemented')};
	}
	async load(specifier: string, _options: Record<string, unknown> = {}): Promise<LoadResult> {
		return {name: specifier, ok: false, error: new Error('not implemented')};
	}
	async loadAll(specifiers: string[]): Promise<LoadResult[]> {
		return Promise.all(specifiers.map(specifier => this.load(specifier)));
	}
	async unregister(_name: string): Promise<boolean> {
		return false;
	}
	callHook(_name: string, ..._args: unknown[]): unknown[] {
		return [];
	}
	callHookFirst(_name: string, ..._args: unknown[]): unknown {
		return undefined;
	}
	async callHookSeries(_name: string, ..._args: unknown[]): Promise<unknown[]> {
		return [];
	}
	async callHookParallel(_name: string, ..._args: unknown[]): Promise<unknown[]> {
		return [];
	}
	attach(_monitor: PerformanceMonitor): () => void {
		return () => {};
	}
}
