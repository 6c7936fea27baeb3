/**
 * What the service shares with its plugins. A plugin that provides something (the database plugin
 * provides `orders`, the caching plugin `queryCache`) registers it in setup; others look it up when
 * they need it. The plugin manager hands this object to every plugin as `context.services.app`.
 */
import type {PerformanceMonitor, PluginContext} from 'perftop';
import type {OrderStore} from './order-store.js';
import type {QueryCache} from './query-cache.js';

/** Services by name, with their types. */
export interface ServiceTypes {
	orders: OrderStore;
	queryCache: QueryCache;
}

/** The registry of shared services. */
export class AppServices {
	readonly #provided = new Map<keyof ServiceTypes, unknown>();

	constructor(
		readonly monitor: PerformanceMonitor,
		/** Directory for the database and other files. */
		readonly dataDir: string,
	) {}

	/** Makes a service available to the other plugins. */
	provide<K extends keyof ServiceTypes>(name: K, value: ServiceTypes[K]): void {
		this.#provided.set(name, value);
	}

	/** Removes a service (its provider is being unloaded). */
	withdraw(name: keyof ServiceTypes): void {
		this.#provided.delete(name);
	}

	/** A service another plugin provides; throws a clear error when nobody does. */
	use<K extends keyof ServiceTypes>(name: K): ServiceTypes[K] {
		const value = this.#provided.get(name);
		if (value === undefined) throw new Error(`service '${name}' is not available (is the plugin that provides it loaded?)`);
		return value as ServiceTypes[K];
	}

	/** A service, or undefined when nobody provides it. */
	find<K extends keyof ServiceTypes>(name: K): ServiceTypes[K] | undefined {
		return this.#provided.get(name) as ServiceTypes[K] | undefined;
	}
}

/** The AppServices from a plugin's setup context. */
export function appServices(context: PluginContext): AppServices {
	const app = context.services['app'];
	if (!(app instanceof AppServices)) throw new Error(`plugin '${context.name}' needs the example service's context.services.app`);
	return app;
}
