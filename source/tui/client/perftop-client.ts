/**
 * PerftopClient: one connection to a host (its Unix socket, or over ssh: see transport.ts), with reconnect and backoff, typed snapshots and events,
 * and commands that resolve with their result (or reject with a ProtocolError: E_TIMEOUT, E_DISCONNECTED or
 * the host's code). No React here; the TUI feeds its state from the listeners.
 */
import type {Duplex} from 'node:stream';
import {ErrorCode, ProtocolError} from '../../protocol/errors.js';
import type {CommandName, HelloMessage, HostEvent} from '../../protocol/messages.js';
import {DESTRUCTIVE_COMMANDS} from '../../protocol/messages.js';
import {MAX_SERVER_LINE_BYTES, NdjsonDecoder, encodeLine} from '../../protocol/ndjson.js';
import type {Snapshot} from '../../protocol/snapshot.js';
import {MessageError, parseServerMessage} from '../../protocol/validate.js';
import {PROTOCOL_VERSION} from '../../protocol/version.js';
import {describeConnectError, incompatibility} from './greeting.js';
import {Listeners} from './listeners.js';
import {transportFor, type Transport} from './transport.js';

/** Options of {@link PerftopClient}. */
export interface ClientOptions {
	/** The host's socket path, or its `ssh://[user@]server[:port]/path` address; names the host in messages. */
	path: string;
	/** How to reach the host (default: from `path`, see {@link transportFor}). */
	transport?: Transport;
	/** Snapshot interval asked for on every (re)connect, ms (default 1000). */
	intervalMs?: number;
	/** Ask for periodic snapshots on connect (default true); one-shot tools pass false and use commands. */
	subscribe?: boolean;
	/** Reconnect after a disconnect (default true). */
	reconnect?: boolean;
	/** Time a command may take before it rejects with E_TIMEOUT, ms (default 10 000). */
	commandTimeoutMs?: number;
	/** Refuse destructive commands locally with E_READONLY (the TUI's --readonly). */
	readonly?: boolean;
	/** First reconnect delay and its cap, ms (defaults 250 and 5000). */
	backoffMs?: {initial: number; max: number};
}

/** Where the connection stands. */
export type ClientStatus =
	| {state: 'connecting'}
	| {state: 'connected'; hello: HelloMessage}
	/** `code` is the system error code when the connection failed (ENOENT, ECONNREFUSED, ...). */
	| {state: 'disconnected'; error: string; retryInMs: number; code?: string}
	| {state: 'incompatible'; message: string}
	| {state: 'closed'};

interface Pending {
	resolve(data: unknown): void;
	reject(error: ProtocolError): void;
	timer: NodeJS.Timeout;
}

/** A client of one host. Call connect(), add listeners, and close() when done. */
export class PerftopClient {
	readonly #options: Required<Omit<ClientOptions, 'backoffMs' | 'transport'>> & {backoffMs: {initial: number; max: number}};
	readonly #transport: Transport;
	readonly #statusListeners = new Listeners<ClientStatus>('status');
	readonly #snapshotListeners = new Listeners<Snapshot>('snapshot');
	readonly #eventListeners = new Listeners<HostEvent>('event');
	readonly #pending = new Map<string, Pending>();
	#status: ClientStatus = {state: 'closed'};
	#socket: Duplex | null = null;
	#retryTimer: NodeJS.Timeout | null = null;
	#helloTimer: NodeJS.Timeout | null = null;
	#backoff: number;
	#nextId = 0;
	#started = false;
	#intervalMs: number;
	#subscribed: boolean;
	#invalid = 0;

	constructor(options: ClientOptions) {
		this.#options = {
			path: options.path,
			intervalMs: options.intervalMs ?? 1000,
			subscribe: options.subscribe ?? true,
			reconnect: options.reconnect ?? true,
			commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
			readonly: options.readonly ?? false,
			backoffMs: options.backoffMs ?? {initial: 250, max: 5000},
		};
		this.#transport = options.transport ?? transportFor(options.path);
		this.#intervalMs = this.#options.intervalMs;
		this.#subscribed = this.#options.subscribe;
		this.#backoff = this.#options.backoffMs.initial;
	}

	/** The current connection status. */
	get status(): ClientStatus {
		return this.#status;
	}

	/** The host's greeting on the current connection, or null. */
	get hello(): HelloMessage | null {
		return this.#status.state === 'connected' ? this.#status.hello : null;
	}

	/** Lines from the host that failed validation and were ignored. */
	get invalidMessages(): number {
		return this.#invalid;
	}

	/** Starts connecting (and reconnecting, unless disabled). Calling it again has no effect. */
	connect(): void {
		if (this.#started) return;
		this.#started = true;
		this.#open();
	}

	/** Closes the connection for good; pending commands reject with E_DISCONNECTED. */
	close(): void {
		this.#started = false;
		this.#clearTimers();
		this.#drop('client closed');
		this.#setStatus({state: 'closed'});
	}

	/** Listens to status changes; returns the removal. */
	onStatus(listener: (status: ClientStatus) => void): () => void {
		return this.#statusListeners.add(listener);
	}

	/** Listens to snapshots; returns the removal. */
	onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
		return this.#snapshotListeners.add(listener);
	}

	/** Listens to host events (alerts, plugin loads, slow calls, resets); returns the removal. */
	onEvent(listener: (event: HostEvent) => void): () => void {
		return this.#eventListeners.add(listener);
	}

	/** Asks for snapshots every `intervalMs` (the host enforces a floor of 100 ms); kept across reconnects. */
	subscribe(intervalMs: number): void {
		this.#intervalMs = intervalMs;
		this.#subscribed = true;
		if (this.#status.state === 'connected') this.#send({v: PROTOCOL_VERSION, type: 'subscribe', intervalMs});
	}

	/** Stops periodic snapshots and events (kept across reconnects). */
	unsubscribe(): void {
		this.#subscribed = false;
		if (this.#status.state === 'connected') this.#send({v: PROTOCOL_VERSION, type: 'unsubscribe'});
	}

	/** Runs a command on the host; resolves with its data or rejects with a ProtocolError. */
	command<T = unknown>(name: CommandName, args?: Record<string, unknown>): Promise<T> {
		if (this.#options.readonly && DESTRUCTIVE_COMMANDS.includes(name)) {
			return Promise.reject(new ProtocolError(ErrorCode.readonly, `'${name}' is disabled: this client is read-only`));
		}
		if (this.#status.state !== 'connected') {
			return Promise.reject(new ProtocolError(ErrorCode.disconnected, `not connected to ${this.#options.path}`));
		}
		const id = `c${++this.#nextId}`;
		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#pending.delete(id);
				reject(new ProtocolError(ErrorCode.timeout, `'${name}' got no result within ${this.#options.commandTimeoutMs} ms`));
			}, this.#options.commandTimeoutMs);
			this.#pending.set(id, {resolve: resolve as (data: unknown) => void, reject, timer});
			this.#send(args === undefined ? {v: PROTOCOL_VERSION, type: 'command', id, name} : {v: PROTOCOL_VERSION, type: 'command', id, name, args});
		});
	}

	#open(): void {
		this.#setStatus({state: 'connecting'});
		const socket = this.#transport.open();
		const decoder = new NdjsonDecoder({maxLineBytes: MAX_SERVER_LINE_BYTES});
		let greeted = false;
		this.#socket = socket;
		this.#helloTimer = setTimeout(() => this.#fail(socket, `no greeting from ${this.#options.path} within ${this.#options.commandTimeoutMs} ms`), this.#options.commandTimeoutMs);
		socket.on('data', chunk => {
			if (this.#socket !== socket) return;
			const {lines, error} = decoder.push(chunk);
			for (const line of lines) {
				if (this.#socket !== socket) return;
				if (!greeted) {
					const problem = incompatibility(line, this.#options.path);
					if (problem) return this.#incompatible(socket, problem);
					greeted = true;
				}
				this.#receive(line);
			}
			if (error) this.#fail(socket, `host sent a line over ${decoder.maxLineBytes} bytes`);
		});
		socket.on('error', (error: Error & {code?: string}) => this.#fail(socket, describeConnectError(error, this.#options.path), error.code));
		socket.on('close', () => this.#fail(socket, `connection to ${this.#options.path} closed`));
	}

	#receive(line: string): void {
		const message = parseServerMessage(line);
		if (message instanceof MessageError) {
			this.#invalid++;
			return;
		}
		switch (message.type) {
			case 'hello':
				if (this.#helloTimer) clearTimeout(this.#helloTimer);
				this.#helloTimer = null;
				this.#backoff = this.#options.backoffMs.initial;
				this.#setStatus({state: 'connected', hello: message});
				if (this.#subscribed) this.#send({v: PROTOCOL_VERSION, type: 'subscribe', intervalMs: this.#intervalMs});
				return;
			case 'snapshot':
				this.#snapshotListeners.emit(message.snapshot);
				return;
			case 'event':
				this.#eventListeners.emit(message.event);
				return;
			case 'result': {
				const pending = this.#pending.get(message.id);
				if (!pending) return;
				this.#pending.delete(message.id);
				clearTimeout(pending.timer);
				if (message.ok) pending.resolve(message.data);
				else pending.reject(new ProtocolError(message.error?.code ?? ErrorCode.internal, message.error?.message ?? 'command failed'));
				return;
			}
			case 'error': {
				const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
				if (pending && message.id !== undefined) {
					this.#pending.delete(message.id);
					clearTimeout(pending.timer);
					pending.reject(new ProtocolError(message.code, message.message));
				}
				return;
			}
		}
	}

	#send(message: unknown): void {
		const socket = this.#socket;
		if (!socket || socket.destroyed) return;
		socket.write(encodeLine(message));
	}

	#incompatible(socket: Duplex, message: string): void {
		if (this.#socket !== socket) return;
		this.#started = false;
		this.#clearTimers();
		this.#drop(message);
		this.#setStatus({state: 'incompatible', message});
	}

	/** The connection `socket` failed or closed: reject pending commands, then retry or stop. */
	#fail(socket: Duplex, error: string, code?: string): void {
		if (this.#socket !== socket) return;
		this.#drop(error);
		if (!this.#started) return;
		if (!this.#options.reconnect) {
			this.#started = false;
			this.#setStatus(code === undefined ? {state: 'disconnected', error, retryInMs: 0} : {state: 'disconnected', error, retryInMs: 0, code});
			return;
		}
		const delay = this.#backoff;
		this.#backoff = Math.min(this.#backoff * 2, this.#options.backoffMs.max);
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = null;
			if (this.#started) this.#open();
		}, delay);
		this.#setStatus(code === undefined ? {state: 'disconnected', error, retryInMs: delay} : {state: 'disconnected', error, retryInMs: delay, code});
	}

	/** Forgets the current socket and rejects pending commands. */
	#drop(reason: string): void {
		if (this.#helloTimer) clearTimeout(this.#helloTimer);
		this.#helloTimer = null;
		const socket = this.#socket;
		this.#socket = null;
		socket?.destroy();
		for (const [id, pending] of this.#pending) {
			this.#pending.delete(id);
			clearTimeout(pending.timer);
			pending.reject(new ProtocolError(ErrorCode.disconnected, `disconnected before a result: ${reason}`));
		}
	}

	#clearTimers(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}

	#setStatus(status: ClientStatus): void {
		this.#status = status;
		this.#statusListeners.emit(status);
	}
}
