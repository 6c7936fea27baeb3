/**
 * The running socket server as the host library returns it, and its counters. Kept apart from
 * socket-server.ts so the public declarations need neither node:net nor @types/node.
 */

/** Totals kept by the server across all its connections. */
export interface ServerCounters {
	connections: number;
	snapshotsSent: number;
	/** Snapshots not sent because the client's pending output was over the cap. */
	snapshotsSkipped: number;
	eventsSent: number;
	/** Events not sent: over the cap, or slow-call events over the per-client rate. */
	eventsDropped: number;
	invalidMessages: number;
	/** Clients disconnected for an over-long line, too many invalid messages or an unread result. */
	disconnected: number;
	/** Largest pending output seen on any client socket, bytes. */
	maxPendingBytes: number;
}

/** Counters of a running server (see ServerCounters). */
export interface ServerStats extends ServerCounters {
	clients: number;
	subscribed: number;
}

/** A host's socket server, as `PerformanceMonitor.listen()` and serve() return it. */
export interface IpcServer {
	/** The socket's path. */
	readonly path: string;
	/** Clients attached now. */
	readonly clients: number;
	/** Counters since start: snapshots sent and skipped, events, invalid messages, disconnects. */
	stats(): ServerStats;
	/** Stops serving, disconnects every client and removes the socket. Never rejects. */
	close(): Promise<void>;
}
