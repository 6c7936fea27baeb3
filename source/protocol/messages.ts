/**
 * Protocol v1 messages. One JSON object per line; every message has `v` and `type`.
 */
import type {ProtocolErrorData} from './errors.js';
import type {AlertData, HostInfo, PluginSummary, Snapshot} from './snapshot.js';

/** Optional features a host announces in `hello`. */
export type Capability = 'snapshot' | 'export' | 'clear-cache' | 'reset-metrics' | 'heap-snapshot' | 'events';

/** Command names a client may send. */
export type CommandName = 'snapshot' | 'export' | 'clear-cache' | 'reset-metrics' | 'heap-snapshot';

/** Commands that change the host's state; refused by a readonly host. */
export const DESTRUCTIVE_COMMANDS: readonly CommandName[] = ['clear-cache', 'reset-metrics', 'heap-snapshot'];

// ---- server -> client ----

/** The server's first message on every connection: who the host is and what it can do. */
export interface HelloMessage {
	v: number;
	type: 'hello';
	protocol: number;
	host: HostInfo;
	capabilities: Capability[];
	readonly: boolean;
}

/** A periodic (or requested) snapshot of everything the host measures. */
export interface SnapshotMessage {
	v: number;
	type: 'snapshot';
	snapshot: Snapshot;
}

/** Things that happened, pushed as they happen. */
export type HostEvent =
	| {kind: 'alert'; alert: AlertData}
	| {kind: 'plugin.loaded'; plugin: PluginSummary}
	| {kind: 'call.slow'; op: string; plugin: string | null; ms: number; at: number}
	| {kind: 'metrics.reset'; at: number}
	| {kind: 'cache.clear'; at: number; cleared: ClearCacheResult['cleared']};

/** One {@link HostEvent}, pushed as it happens. */
export interface EventMessage {
	v: number;
	type: 'event';
	event: HostEvent;
}

/** The reply to a {@link CommandMessage}, with the same `id`. */
export interface ResultMessage {
	v: number;
	type: 'result';
	id: string;
	ok: boolean;
	/** Present when ok. */
	data?: unknown;
	/** Present when not ok. */
	error?: ProtocolErrorData;
}

/** A protocol-level error (bad line, unknown type, incompatible version); the connection may close after it. */
export interface ErrorMessage extends ProtocolErrorData {
	v: number;
	type: 'error';
	/** The command id this error answers, when known. */
	id?: string;
}

/** Every message a host sends. */
export type ServerMessage = HelloMessage | SnapshotMessage | EventMessage | ResultMessage | ErrorMessage;

// ---- client -> server ----

/** Asks for periodic snapshots (replaces any earlier subscription of the connection). */
export interface SubscribeMessage {
	v: number;
	type: 'subscribe';
	/** Snapshot interval, ms (default 1000, floor 100). */
	intervalMs?: number;
}

/** Stops periodic snapshots for the connection. */
export interface UnsubscribeMessage {
	v: number;
	type: 'unsubscribe';
}

/** Asks the host to do something; answered by one {@link ResultMessage} with the same `id`. */
export interface CommandMessage {
	v: number;
	type: 'command';
	id: string;
	name: CommandName;
	args?: Record<string, unknown>;
}

/** Every message a client sends. */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | CommandMessage;

// ---- command results (the `data` of a successful result) ----

/** The data of a successful `clear-cache` command. */
export interface ClearCacheResult {
	/** Entries removed per cache. */
	cleared: Array<{name: string; entries: number}>;
}

/** The data of a successful `reset-metrics` command. */
export interface ResetMetricsResult {
	at: number;
	series: number;
}

/** The data of a successful `heap-snapshot` command. */
export interface HeapSnapshotResult {
	path: string;
	bytes: number;
}
