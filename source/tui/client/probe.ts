/**
 * Probing a socket path: is a perftop host alive behind it? Used by `perftop list`.
 */
import {ConnectError, connectOnce} from './connect-once.js';
import type {HelloMessage} from '../../protocol/messages.js';

/** What is behind a socket path. */
export type ProbeResult =
	| {state: 'live'; hello: HelloMessage}
	/** Nothing listens (connection refused or the file vanished): a leftover of a host that died. */
	| {state: 'stale'; reason: string}
	/** Something listens but is not a host this perftop can talk to, or did not greet in time. */
	| {state: 'other'; reason: string};

/** Connects to `path`, reads the greeting and disconnects. */
export async function probeHost(path: string, timeoutMs = 2000): Promise<ProbeResult> {
	try {
		const client = await connectOnce({path, commandTimeoutMs: timeoutMs});
		const hello = client.hello!;
		client.close();
		return {state: 'live', hello};
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		if (error instanceof ConnectError && (error.systemCode === 'ECONNREFUSED' || error.systemCode === 'ENOENT')) return {state: 'stale', reason};
		return {state: 'other', reason};
	}
}
