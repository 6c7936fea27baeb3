/**
 * A raw socket peer for server tests: writes whatever it is told (bytes, half lines, garbage) and collects the
 * parsed lines the server sends.
 */
import {once} from 'node:events';
import {createConnection, type Socket} from 'node:net';
import {NdjsonDecoder, MAX_SERVER_LINE_BYTES} from '../../../source/protocol/ndjson.js';

export interface RawPeer {
	socket: Socket;
	/** Every message received so far. */
	messages: Array<Record<string, any>>;
	/** Sends a message as one line. */
	send(message: unknown): void;
	/** Resolves with the first received message (already received or future) that matches. */
	waitFor(match: (message: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
	/** Resolves when the server has closed the connection. */
	closed: Promise<void>;
}

export async function rawPeer(path: string): Promise<RawPeer> {
	const socket = createConnection(path);
	socket.on('error', () => {});
	const decoder = new NdjsonDecoder({maxLineBytes: MAX_SERVER_LINE_BYTES});
	const messages: Array<Record<string, any>> = [];
	const waiters = new Set<() => void>();
	socket.on('data', chunk => {
		for (const line of decoder.push(chunk).lines) messages.push(JSON.parse(line));
		for (const waiter of waiters) waiter();
	});
	const closed = new Promise<void>(resolve => socket.once('close', () => resolve()));
	await once(socket, 'connect');
	return {
		socket,
		messages,
		closed,
		send(message) {
			socket.write(JSON.stringify(message) + '\n');
		},
		waitFor(match, timeoutMs = 5000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					const found = messages.find(match);
					if (!found) return;
					waiters.delete(check);
					clearTimeout(timer);
					resolve(found);
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.map(m => m['type']))}`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
	};
}

/** Polls `condition` every 10 ms until it holds; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}
