/**
 * How a client reaches a host: a Unix socket on this machine, or (ssh-transport.ts) an ssh child whose stdio
 * carries the same NDJSON stream. The client only reads, writes and destroys the stream it gets.
 */
import {createConnection} from 'node:net';
import type {Duplex} from 'node:stream';
import {isSshAddress, parseSshAddress, sshOptionsFromEnv, sshTransport} from './ssh-transport.js';

/**
 * One way to open connections to one host. Each {@link Transport.open} call is one connection attempt; the
 * stream emits `error` (with a `code` such as ENOENT or ECONNREFUSED when the host's socket refused) and then
 * `close`, or just `close` when the host ended the connection. Destroying the stream ends everything the
 * attempt started.
 */
export interface Transport {
	/** What to call the host in messages: its socket path or its `ssh://` address. */
	readonly label: string;
	/** Opens one connection. */
	open(): Duplex;
}

/** A transport to the host listening on the Unix socket `path`. */
export function socketTransport(path: string): Transport {
	return {label: path, open: () => createConnection(path)};
}

/**
 * The transport for what a user typed after --attach: an `ssh://` address (see ssh-transport.ts; throws on a
 * malformed one, with a sentence) or a socket path.
 */
export function transportFor(target: string, env: Readonly<Record<string, string | undefined>> = process.env): Transport {
	return isSshAddress(target) ? sshTransport(parseSshAddress(target), target, sshOptionsFromEnv(env)) : socketTransport(target);
}
