/**
 * What is at a socket path the user typed, said before connecting: a connection to a regular file or a
 * directory is refused like one to a stale socket, which would blame a host that was never there.
 */
import {statSync, type Stats} from 'node:fs';
import {dirname} from 'node:path';

/** What {@link inspectSocketPath} found: a socket (live or stale), nothing, or something that is not a socket. */
export type SocketPathState = {kind: 'socket'} | {kind: 'missing'; message: string} | {kind: 'other'; message: string};

/**
 * Looks at `path` without connecting. `missing` and `other` carry a sentence for the user naming the path
 * and what it is; an unreadable path (permissions) counts as a socket, so that the connection says why, and
 * so does an address such as `ssh://server/path`, which is not a local path.
 */
export function inspectSocketPath(path: string): SocketPathState {
	// An address (ssh://server/path) names no local file: its transport reports what it finds.
	if (/^[a-z][a-z\d+.-]*:\/\//i.test(path)) return {kind: 'socket'};
	let stat: Stats;
	try {
		stat = statSync(path);
	} catch (error) {
		const code = (error as {code?: string}).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return {kind: 'missing', message: missingMessage(path)};
		return {kind: 'socket'};
	}
	if (stat.isSocket()) return {kind: 'socket'};
	if (stat.isDirectory()) return {kind: 'other', message: `${path} is a directory, not a host's socket ('perftop list --dir ${path}' lists the hosts in it)`};
	if (stat.isFile()) return {kind: 'other', message: `${path} is a regular file, not a host's socket`};
	return {kind: 'other', message: `${path} is not a socket`};
}

function missingMessage(path: string): string {
	let parent: Stats | null = null;
	try {
		parent = statSync(dirname(path));
	} catch {
		// Reported below.
	}
	const where = parent?.isDirectory() ? '' : `, and ${dirname(path)} does not exist either`;
	return `no host at ${path} (no such socket${where}); 'perftop list' shows the hosts on this machine`;
}
