/**
 * `perftop bridge <socket>`: relays stdin to a host's socket and the socket to stdout, byte for byte. It is the
 * remote end of `perftop --attach ssh://server/path` (ssh runs it as the login user, so the socket's
 * permissions decide who gets in, as on the server itself), and nothing else needs it.
 *
 * It ends when either side does: on stdin's EOF (ssh passes the client's end on) it half-closes the socket and
 * ends once the host has closed; when the host closes the socket it ends at once. It holds at most a stream
 * buffer per direction: a reader that falls behind pauses the other side (the host then skips snapshots).
 */
import {createConnection} from 'node:net';
import type {Readable, Writable} from 'node:stream';
import {describeConnectError} from '../tui/client/greeting.js';
import {BRIDGE_EXIT_CODES} from '../tui/client/ssh-transport.js';
import type {CommandOutput} from './once.js';

/** How long the host has to close its side after stdin's EOF, ms. */
const CLOSE_GRACE_MS = 2000;

/** Options of {@link runBridge}; the streams default to the process's own. */
export interface BridgeOptions {
	/** The host's socket path. */
	socket: string;
	stdin?: Readable;
	stdout?: Writable;
	stderr?: CommandOutput;
}

/**
 * Relays until either side ends. Resolves with 0 when the connection ran (and ended), or, when the socket
 * could not be reached, with {@link BRIDGE_EXIT_CODES}' code for the error (1 for others) after one line on stderr.
 */
export function runBridge({socket, stdin = process.stdin, stdout = process.stdout, stderr = process.stderr}: BridgeOptions): Promise<number> {
	return new Promise(resolve => {
		const connection = createConnection(socket);
		let connected = false;
		let done = false;
		const finish = (code: number) => {
			if (done) return;
			done = true;
			stdin.unpipe(connection);
			connection.unpipe(stdout);
			connection.destroy();
			// Nothing more is read: stdin must not keep the process alive.
			stdin.destroy();
			if (stdout === process.stdout) resolve(code);
			else stdout.end(() => resolve(code));
		};
		connection.once('connect', () => {
			connected = true;
			// stdin's end half-closes the socket (end: true); the host answers by closing, which ends the bridge
			// (or, should it not, the grace below does).
			stdin.pipe(connection);
			connection.pipe(stdout, {end: false});
		});
		stdin.once('end', () => setTimeout(() => finish(0), CLOSE_GRACE_MS).unref());
		connection.on('error', (error: Error & {code?: string}) => {
			if (connected) return finish(0);
			stderr.write(`perftop bridge: ${describeConnectError(error, socket)}\n`);
			finish(BRIDGE_EXIT_CODES[error.code ?? ''] ?? 1);
		});
		connection.on('close', () => finish(0));
		stdout.on('error', () => finish(0));
		stdin.on('error', () => finish(0));
	});
}
