/**
 * The host's socket server: its options and serve(). The server itself (socket-server.ts, with node:net,
 * the connection and command handling) is loaded when a host starts serving, not with the host library
 * (bench row `host-import-ms`).
 */
import type {MonitorHandle} from '../monitor/handle.js';
import {defaultSocketPath} from './paths.js';
import type {IpcServer} from './ipc-server.js';

/** The running server and its counters. */
export type {IpcServer, ServerStats} from './ipc-server.js';

/** Floor of the snapshot interval a client may ask for, ms. */
export const MIN_INTERVAL_MS = 100;
/** Ceiling of the snapshot interval a client may ask for, ms. */
export const MAX_INTERVAL_MS = 3_600_000;
/** Default cap on a client's pending output (4 MiB): above it, snapshots are skipped. */
export const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024;

/** Options of a host's socket server (monitor option `socket`, or `PerformanceMonitor.listen()`). */
export interface ServerOptions {
	/** Socket path; default: defaultSocketPath(host name), in a private (0700) directory. */
	path?: string;
	/** Refuse destructive commands even when the monitor allows them. */
	readonly?: boolean;
	/** Cap on a client's pending output, bytes (default 4 MiB); above it its snapshots are skipped. */
	maxPendingBytes?: number;
	/** Invalid messages after which a client is disconnected (default 16). */
	maxInvalidMessages?: number;
	/** Slow-call events per second sent to one client (default 10, bursts of twice that). */
	slowEventsPerSecond?: number;
	/** Remove the socket on SIGINT/SIGTERM/exit (default true). */
	cleanupOnExit?: boolean;
}

/**
 * Serves `monitor` on a Unix socket. Rejects (this is the one place that may) when the path cannot be used:
 * another host listens there, it is not a socket, it is too long, or the directory is not private.
 */
export async function serve(monitor: MonitorHandle, options: ServerOptions = {}): Promise<IpcServer> {
	const path = options.path ?? defaultSocketPath(monitor.host.name, monitor.host.pid);
	const {SocketServer} = await import('./socket-server.js');
	const server = new SocketServer(monitor, {
		path,
		readonly: monitor.readonly || options.readonly === true,
		maxPendingBytes: options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
		maxInvalidMessages: options.maxInvalidMessages ?? 16,
		slowEventsPerSecond: options.slowEventsPerSecond ?? 10,
		minIntervalMs: MIN_INTERVAL_MS,
		maxIntervalMs: MAX_INTERVAL_MS,
	});
	await server.listen(options.path === undefined, options.cleanupOnExit ?? true);
	return server;
}
