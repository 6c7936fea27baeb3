/**
 * One attached client: decodes its lines, answers its commands, and writes to it without ever letting its
 * pending output grow past the cap. A client that sends an over-long line or too many invalid messages gets
 * an error and is disconnected. Socket errors (a client vanishing mid-write) end the connection quietly.
 */
import type {Socket} from 'node:net';
import {ErrorCode} from '../../protocol/errors.js';
import type {ClientMessage, ErrorMessage, HostEvent} from '../../protocol/messages.js';
import {NdjsonDecoder, encodeLine} from '../../protocol/ndjson.js';
import {MessageError, parseClientMessage} from '../../protocol/validate.js';
import {PROTOCOL_VERSION} from '../../protocol/version.js';
import type {MonitorHandle} from '../monitor/handle.js';
import {failure, runCommand} from './commands.js';
import type {ServerCounters} from './ipc-server.js';
import {TokenBucket} from './rate-limit.js';

/** What a connection needs from its server. */
export interface ConnectionContext {
	readonly monitor: MonitorHandle;
	readonly readonly: boolean;
	readonly maxPendingBytes: number;
	readonly maxInvalidMessages: number;
	readonly slowEventsPerSecond: number;
	readonly counters: ServerCounters;
	/** Subscribes (interval in ms, already clamped by the server) or unsubscribes (null). */
	subscribe(connection: Connection, intervalMs: number | null): void;
	closed(connection: Connection): void;
}

/** Bytes to write: a Buffer shared by every client it goes to. */
export type Line = Buffer;

/** How long a client gets to read its farewell error before it is cut off, ms. */
const FAREWELL_MS = 1000;

/** One client on the host's socket: decodes its lines, answers its commands, and sends it snapshots at its interval, skipping them while its output is over the pending-bytes cap. */
export class Connection {
	readonly socket: Socket;
	/** Current snapshot interval, or null when not subscribed. */
	intervalMs: number | null = null;
	#context: ConnectionContext;
	#decoder = new NdjsonDecoder();
	#invalid = 0;
	#inFlight = 0;
	#ending = false;
	#closing = false;
	#slow: TokenBucket;

	constructor(socket: Socket, context: ConnectionContext, hello: Line) {
		this.socket = socket;
		this.#context = context;
		this.#slow = new TokenBucket(context.slowEventsPerSecond, context.slowEventsPerSecond * 2);
		socket.on('data', chunk => this.#guard(() => this.#data(chunk)));
		socket.on('end', () => this.#guard(() => this.#end()));
		socket.on('error', () => {
			// ECONNRESET, EPIPE: the client went away; 'close' follows.
		});
		socket.on('close', () => this.#guard(() => this.#context.closed(this)));
		this.#write(hello);
	}

	/** Sends a snapshot unless the client's pending output is over the cap (then it is skipped and counted). */
	sendSnapshot(line: Line): void {
		if (this.#closing) return;
		if (this.#over()) {
			this.#context.counters.snapshotsSkipped++;
			return;
		}
		this.#write(line);
		this.#context.counters.snapshotsSent++;
	}

	/** Sends an event (lazily serialized by `line`); slow-call events are rate-limited per client. */
	sendEvent(event: HostEvent, line: () => Line): void {
		if (this.#closing) return;
		if (this.#over() || (event.kind === 'call.slow' && !this.#slow.take())) {
			this.#context.counters.eventsDropped++;
			return;
		}
		this.#write(line());
		this.#context.counters.eventsSent++;
	}

	/** Ends the connection now. */
	destroy(): void {
		this.#closing = true;
		this.socket.destroy();
	}

	#over(): boolean {
		const pending = this.socket.writableLength;
		if (pending > this.#context.counters.maxPendingBytes) this.#context.counters.maxPendingBytes = pending;
		return pending > this.#context.maxPendingBytes;
	}

	#write(line: Line | string): void {
		if (this.socket.destroyed || !this.socket.writable) return;
		this.socket.write(line);
	}

	#data(chunk: Buffer): void {
		if (this.#closing) return;
		const {lines, error} = this.#decoder.push(chunk);
		for (const line of lines) {
			if (this.#closing) return;
			this.#line(line);
		}
		if (error) this.#farewell(error.code, `${error.message}; disconnecting`);
	}

	#end(): void {
		if (this.#closing) return;
		for (const line of this.#decoder.end().lines) this.#line(line);
		this.#ending = true;
		if (this.#inFlight === 0) this.socket.end();
	}

	#line(line: string): void {
		if (line.length === 0 || (line.length === 1 && line === '\r')) return;
		const message = parseClientMessage(line);
		if (message instanceof MessageError) return this.#invalidMessage(message);
		this.#message(message);
	}

	#message(message: ClientMessage): void {
		switch (message.type) {
			case 'subscribe':
				this.#context.subscribe(this, message.intervalMs ?? 1000);
				return;
			case 'unsubscribe':
				this.#context.subscribe(this, null);
				return;
			case 'command':
				this.#inFlight++;
				void runCommand(this.#context.monitor, message, this.#context.readonly).then(result => {
					this.#inFlight--;
					this.#guard(() => this.#reply(encodeLine(result)));
				});
				return;
		}
	}

	/** Writes a command's result; a client whose output is over the cap while asking is cut off instead. */
	#reply(text: string): void {
		if (this.#closing) return;
		if (this.#over()) {
			this.#context.counters.disconnected++;
			this.destroy();
			return;
		}
		this.#write(text);
		if (this.#ending && this.#inFlight === 0) this.socket.end();
	}

	#invalidMessage(error: MessageError): void {
		this.#context.counters.invalidMessages++;
		this.#invalid++;
		if (this.#invalid >= this.#context.maxInvalidMessages) {
			this.#farewell(ErrorCode.tooManyInvalid, `${this.#invalid} invalid messages; disconnecting (last: ${error.message})`);
			return;
		}
		if (this.#over()) return;
		// A command whose id could be read gets a failed result, so the sender's pending command settles.
		if (error.id !== undefined && error.code !== ErrorCode.parse) this.#write(encodeLine(failure(error.id, error.code, error.message)));
		else this.#write(encodeLine(errorMessage(error.code, error.message, error.id)));
	}

	/** Sends a last error, stops reading, and closes once it is flushed (or after a grace period). */
	#farewell(code: ErrorMessage['code'], message: string): void {
		if (this.#closing) return;
		this.#closing = true;
		this.#context.counters.disconnected++;
		this.socket.pause();
		const timer = setTimeout(() => this.socket.destroy(), FAREWELL_MS);
		timer.unref();
		if (this.socket.destroyed || !this.socket.writable) {
			this.socket.destroy();
			return;
		}
		this.socket.end(encodeLine(errorMessage(code, message)), () => {
			clearTimeout(timer);
			this.socket.destroy();
		});
	}

	/** Runs a handler; a failure is a monitor fault, never an exception in the host. */
	#guard(fn: () => void): void {
		try {
			fn();
		} catch (error) {
			this.#context.monitor.faults.report('ipc-connection', error);
			this.socket.destroy();
		}
	}
}

function errorMessage(code: ErrorMessage['code'], message: string, id?: string): ErrorMessage {
	return id === undefined ? {v: PROTOCOL_VERSION, type: 'error', code, message} : {v: PROTOCOL_VERSION, type: 'error', code, message, id};
}
