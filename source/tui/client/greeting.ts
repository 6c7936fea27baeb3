/**
 * What a client makes of the first line a host sends, and of connection errors: plain sentences for people.
 */
import {PROTOCOL_VERSION} from '../../protocol/version.js';

/**
 * Why the first line from `path` shows a peer this client cannot talk to (another protocol version, or not a
 * perftop host at all), or null when it is a hello this client understands.
 */
export function incompatibility(line: string, path: string): string | null {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return `${path} is not a perftop host (its greeting is not JSON)`;
	}
	if (typeof value !== 'object' || value === null || (value as {type?: unknown}).type !== 'hello') {
		return `${path} is not a perftop host (it did not greet with hello)`;
	}
	const hello = value as {v?: unknown; protocol?: unknown; host?: {perftop?: unknown; name?: unknown}};
	const version = typeof hello.protocol === 'number' ? hello.protocol : hello.v;
	if (hello.v === PROTOCOL_VERSION && version === PROTOCOL_VERSION) return null;
	const build = typeof hello.host?.perftop === 'string' ? ` (perftop ${hello.host.perftop})` : '';
	const name = typeof hello.host?.name === 'string' ? `host '${hello.host.name}'` : 'the host';
	return `${name} at ${path} speaks perftop protocol v${String(version)}${build}; this perftop speaks v${PROTOCOL_VERSION}. Use matching perftop versions on both sides.`;
}

/** A connection error as a sentence naming the path. */
export function describeConnectError(error: Error & {code?: string}, path: string): string {
	switch (error.code) {
		case 'ENOENT':
			return `no host at ${path} (no such socket)`;
		case 'ECONNREFUSED':
			return `no host is listening on ${path} (stale socket)`;
		case 'EACCES':
			return `permission denied for ${path}`;
		case 'ENOTSOCK':
			return `${path} is not a socket`;
		default:
			return `${path}: ${error.message}`;
	}
}
