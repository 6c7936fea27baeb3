/**
 * The host's socket server: greets each client, sends snapshots on each client's interval (serialized once
 * per tick, the same bytes to every client on that interval), pushes events, answers commands. It never
 * throws into the host: faults go to monitor.faults. The socket is removed on close, normal exit, SIGINT and
 * SIGTERM. Loaded by serve() (server.ts) when a host starts serving, not with the host library.
 */
import {createServer, type Server, type Socket} from 'node:net';
import type {HelloMessage, HostEvent} from '../../protocol/messages.js';
import {encodeLine} from '../../protocol/ndjson.js';
import {PROTOCOL_VERSION} from '../../protocol/version.js';
import type {MonitorHandle} from '../monitor/handle.js';
import {onShutdown} from '../monitor/shutdown.js';
import {capabilities} from './commands.js';
import {Connection, type ConnectionContext, type Line} from './connection.js';
import type {IpcServer, ServerCounters, ServerStats} from './ipc-server.js';
import {bindSocket, removeSocket, type SocketIdentity} from './listen.js';

/** A server's options, resolved by serve(). */
export interface ServerSettings {
	path: string;
	readonly: boolean;
	maxPendingBytes: number;
	maxInvalidMessages: number;
	slowEventsPerSecond: number;
	/** Floor and ceiling of a client's snapshot interval, ms. */
	minIntervalMs: number;
	maxIntervalMs: number;
}

interface Group {
	timer: NodeJS.Timeout;
	members: Set<Connection>;
}

/** The running server behind {@link IpcServer}. */
export class SocketServer implements IpcServer, ConnectionContext {
	readonly path: string;
	readonly monitor: MonitorHandle;
	readonly readonly: boolean;
	readonly maxPendingBytes: number;
	readonly maxInvalidMessages: number;
	readonly slowEventsPerSecond: number;
	readonly #minIntervalMs: number;
	readonly #maxIntervalMs: number;
	readonly counters: ServerCounters = {connections: 0, snapshotsSent: 0, snapshotsSkipped: 0, eventsSent: 0, eventsDropped: 0, invalidMessages: 0, disconnected: 0, maxPendingBytes: 0};
	readonly #server: Server;
	readonly #connections = new Set<Connection>();
	readonly #groups = new Map<number, Group>();
	readonly #hello: Line;
	#identity: SocketIdentity | null = null;
	#offEvents: (() => void) | null = null;
	#offShutdown: (() => void) | null = null;
	#cached: Line | null = null;
	#closing: Promise<void> | null = null;

	constructor(monitor: MonitorHandle, settings: ServerSettings) {
		this.monitor = monitor;
		this.path = settings.path;
		this.readonly = settings.readonly;
		this.maxPendingBytes = settings.maxPendingBytes;
		this.maxInvalidMessages = settings.maxInvalidMessages;
		this.slowEventsPerSecond = settings.slowEventsPerSecond;
		this.#minIntervalMs = settings.minIntervalMs;
		this.#maxIntervalMs = settings.maxIntervalMs;
		const hello: HelloMessage = {v: PROTOCOL_VERSION, type: 'hello', protocol: PROTOCOL_VERSION, host: monitor.host, capabilities: capabilities(monitor, this.readonly), readonly: this.readonly};
		this.#hello = Buffer.from(encodeLine(hello));
		this.#server = createServer({allowHalfOpen: true}, socket => this.#guard(() => this.#accept(socket)));
		this.#server.on('error', error => monitor.faults.report('ipc-server', error));
	}

	async listen(privateDir: boolean, cleanupOnExit: boolean): Promise<void> {
		this.#identity = await bindSocket(this.#server, this.path, {privateDir});
		this.#server.unref();
		if (cleanupOnExit) this.#offShutdown = onShutdown({async: () => this.close(), sync: () => this.#removeSocket()});
	}

	get clients(): number {
		return this.#connections.size;
	}

	stats(): ServerStats {
		let subscribed = 0;
		for (const group of this.#groups.values()) subscribed += group.members.size;
		return {...this.counters, clients: this.#connections.size, subscribed};
	}

	#accept(socket: Socket): void {
		if (this.#closing) {
			socket.destroy();
			return;
		}
		socket.unref();
		const connection = new Connection(socket, this, this.#hello);
		this.#connections.add(connection);
		this.counters.connections++;
		this.#watchers();
	}

	subscribe(connection: Connection, intervalMs: number | null): void {
		this.#leave(connection);
		if (intervalMs !== null) {
			const interval = Math.round(Math.min(this.#maxIntervalMs, Math.max(this.#minIntervalMs, intervalMs)));
			let group = this.#groups.get(interval);
			if (!group) {
				const timer = setInterval(() => this.#guard(() => this.#tick(interval)), interval);
				timer.unref();
				group = {timer, members: new Set()};
				this.#groups.set(interval, group);
			}
			group.members.add(connection);
			connection.intervalMs = interval;
			const line = this.#snapshotLine();
			if (line) connection.sendSnapshot(line);
		}
		this.#events();
	}

	closed(connection: Connection): void {
		if (!this.#connections.delete(connection)) return;
		this.#leave(connection);
		this.#events();
		this.#watchers();
	}

	#leave(connection: Connection): void {
		const interval = connection.intervalMs;
		if (interval === null) return;
		connection.intervalMs = null;
		const group = this.#groups.get(interval);
		if (!group) return;
		group.members.delete(connection);
		if (group.members.size === 0) {
			clearInterval(group.timer);
			this.#groups.delete(interval);
		}
	}

	#tick(interval: number): void {
		const group = this.#groups.get(interval);
		if (!group || group.members.size === 0) return;
		const line = this.#snapshotLine();
		if (!line) return;
		for (const connection of group.members) connection.sendSnapshot(line);
	}

	/** The current snapshot as a line, built at most once per event-loop turn and shared by all clients. */
	#snapshotLine(): Line | null {
		if (this.#cached) return this.#cached;
		try {
			this.#cached = Buffer.from(encodeLine({v: PROTOCOL_VERSION, type: 'snapshot', snapshot: this.monitor.snapshot()}));
		} catch (error) {
			this.monitor.faults.report('ipc-snapshot', error);
			return null;
		}
		setImmediate(() => (this.#cached = null));
		return this.#cached;
	}

	/** Listens to monitor events only while some client is subscribed (nothing to pay otherwise). */
	#events(): void {
		const wanted = this.#groups.size > 0;
		if (wanted && !this.#offEvents) this.#offEvents = this.monitor.events.on(event => this.#guard(() => this.#event(event)));
		else if (!wanted && this.#offEvents) {
			this.#offEvents();
			this.#offEvents = null;
		}
	}

	#event(event: HostEvent): void {
		let line: Line | null = null;
		const serialize = () => (line ??= Buffer.from(encodeLine({v: PROTOCOL_VERSION, type: 'event', event})));
		for (const group of this.#groups.values()) for (const connection of group.members) connection.sendEvent(event, serialize);
	}

	#watchers(): void {
		try {
			this.monitor.setWatchers(this.#connections.size);
		} catch (error) {
			this.monitor.faults.report('ipc-watchers', error);
		}
	}

	#removeSocket(): void {
		if (this.#identity) removeSocket(this.path, this.#identity);
	}

	close(): Promise<void> {
		this.#closing ??= new Promise<void>(resolve => {
			this.#offShutdown?.();
			this.#offShutdown = null;
			for (const group of this.#groups.values()) clearInterval(group.timer);
			this.#groups.clear();
			this.#events();
			for (const connection of this.#connections) connection.destroy();
			this.#connections.clear();
			this.#watchers();
			this.#removeSocket();
			if (!this.#server.listening) return resolve();
			this.#server.close(() => resolve());
		});
		return this.#closing;
	}

	#guard(fn: () => void): void {
		try {
			fn();
		} catch (error) {
			this.monitor.faults.report('ipc-server', error);
		}
	}
}
