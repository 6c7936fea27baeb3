/**
 * The orders service: a perftop PerformanceMonitor, a PluginManager that loads the feature plugins, and
 * the HTTP API on 127.0.0.1. Everything perftop-related comes from the public entry, as in any host.
 */
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {fileURLToPath} from 'node:url';
import {PerformanceMonitor, PluginManager, type LoadResult, type MonitorOptions, type PerformanceThresholds, type SamplerOptions} from 'perftop';
import {createApi} from './http.js';
import {AppServices} from './services.js';

/** The example's plugins, in load order (the database first: the others use what it provides). */
export const PLUGIN_NAMES = ['database', 'query-cache', 'table-view', 'receipts', 'recommendations', 'shipping-rates', 'activity-feed', 'payments'] as const;
/** The name of one of the example's plugins. */
export type PluginName = (typeof PLUGIN_NAMES)[number];

/** Where a plugin's module is. */
export function pluginPath(name: PluginName): string {
	return fileURLToPath(new URL(`../plugins/${name}.ts`, import.meta.url));
}

/** Options of startOrdersService(). */
export interface ServiceOptions {
	/** Name shown in perftop (default 'orders-service'). */
	name?: string;
	/** Directory for the database and receipts. */
	dataDir: string;
	/** HTTP port on 127.0.0.1 (default 0: any free port). */
	port?: number;
	/** false: the monitor is created with `enabled: false` and nothing is started (the unmonitored baseline). */
	monitored?: boolean;
	/** Socket path for perftop clients (default: none). */
	socket?: string;
	/** Directory for the performance log (default: none). */
	logDir?: string;
	thresholds?: Partial<PerformanceThresholds>;
	samplers?: SamplerOptions;
	/** Plugins not to load. */
	exclude?: readonly string[];
	/** Options per plugin name. */
	pluginOptions?: Partial<Record<PluginName, Record<string, unknown>>>;
}

/** A running service. */
export interface OrdersService {
	/** Base URL of the HTTP API. */
	url: string;
	monitor: PerformanceMonitor;
	manager: PluginManager;
	/** The outcome of every plugin load, by plugin name, in load order. */
	loads: Map<PluginName, LoadResult>;
	/** The socket clients attach to, when one is served. */
	socketPath: string | null;
	/** Stops the HTTP server, unloads the plugins and stops the monitor. */
	close(): Promise<void>;
}

/** Starts the service. */
export async function startOrdersService(options: ServiceOptions): Promise<OrdersService> {
	const monitored = options.monitored ?? true;
	const monitorOptions: MonitorOptions = monitored
		? {
				name: options.name ?? 'orders-service',
				thresholds: options.thresholds,
				samplers: options.samplers,
				socket: options.socket,
				log: options.logDir ? {dir: options.logDir} : false,
			}
		: {name: options.name ?? 'orders-service', enabled: false, samplers: false, alerts: false};
	const monitor = new PerformanceMonitor(monitorOptions);
	if (monitored) await monitor.start();

	const app = new AppServices(monitor, options.dataDir);
	const manager = new PluginManager({monitor, services: {app}});
	const loads = new Map<PluginName, LoadResult>();
	const exclude = new Set(options.exclude ?? []);
	for (const name of PLUGIN_NAMES) {
		if (exclude.has(name)) continue;
		loads.set(name, await manager.load(pluginPath(name), options.pluginOptions?.[name] ?? {}));
	}

	const startedAt = Date.now();
	const server: Server = createServer(
		createApi(manager, () => ({
			status: 'ok',
			uptimeS: Math.round((Date.now() - startedAt) / 1000),
			rss: process.memoryUsage.rss(),
			plugins: Object.fromEntries([...loads].map(([name, load]) => [name, load.ok ? 'loaded' : 'failed'])),
		})),
	);
	server.keepAliveTimeout = 30_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const {port} = server.address() as AddressInfo;

	let closed: Promise<void> | null = null;
	return {
		url: `http://127.0.0.1:${port}`,
		monitor,
		manager,
		loads,
		socketPath: monitor.server?.path ?? null,
		close() {
			closed ??= (async () => {
				await new Promise<void>(resolve => {
					server.close(() => resolve());
					server.closeAllConnections();
				});
				for (const load of [...loads.values()].reverse()) if (load.ok) await manager.unregister(load.name);
				await monitor.stop();
			})();
			return closed;
		},
	};
}
