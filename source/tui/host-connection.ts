/**
 * What the TUI needs from a connection to a host. PerftopClient (tui/client) provides it; tests pass a fake.
 * Only the app's hooks use it: components never see a connection.
 */
import type {CommandName, HelloMessage, HostEvent} from '../protocol/messages.js';
import type {Snapshot} from '../protocol/snapshot.js';

/** The connection's state as the client reports it. */
export type ConnectionStatus =
	| {state: 'connecting'}
	| {state: 'connected'; hello: HelloMessage}
	| {state: 'disconnected'; error: string; retryInMs: number}
	| {state: 'incompatible'; message: string}
	| {state: 'closed'};

/** The part of PerftopClient the TUI uses. */
export interface HostConnection {
	connect(): void;
	close(): void;
	onStatus(listener: (status: ConnectionStatus) => void): () => void;
	onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
	onEvent(listener: (event: HostEvent) => void): () => void;
	subscribe(intervalMs: number): void;
	command<T>(name: CommandName, args?: Record<string, unknown>): Promise<T>;
	readonly status: ConnectionStatus;
}
