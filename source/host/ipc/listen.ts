/**
 * Binding the socket safely: a path that is not a socket is never touched; a socket nobody listens on
 * (a host that died) is replaced; a socket with a live host behind it is an error. The socket is made 0600
 * and remembered by inode, so only our own socket is ever removed.
 */
import {chmodSync, lstatSync, mkdirSync, unlinkSync} from 'node:fs';
import {createConnection, type Server} from 'node:net';
import {dirname} from 'node:path';
import {checkSocketPath, ensurePrivateDir} from './paths.js';

/** Identity of the socket file we created (device and inode). */
export interface SocketIdentity {
	dev: number;
	ino: number;
}

/** What is behind an existing socket path. */
export type ProbeState = 'live' | 'stale' | 'gone';

/** Connects to `path` to learn whether a process listens there. */
export function probeSocket(path: string, timeoutMs = 2000): Promise<ProbeState> {
	return new Promise((resolve, reject) => {
		const socket = createConnection(path);
		const timer = setTimeout(() => finish('live'), timeoutMs);
		function finish(state: ProbeState | Error): void {
			clearTimeout(timer);
			socket.destroy();
			if (state instanceof Error) reject(state);
			else resolve(state);
		}
		socket.once('connect', () => finish('live'));
		socket.once('error', (error: Error & {code?: string}) => {
			if (error.code === 'ECONNREFUSED') finish('stale');
			else if (error.code === 'ENOENT') finish('gone');
			else finish(new Error(`perftop: cannot probe ${path}: ${error.message}`));
		});
	});
}

/** Prepares `path` for listening: checks what is there now and removes a stale socket. */
async function clearPath(path: string): Promise<void> {
	let stat;
	try {
		stat = lstatSync(path);
	} catch (error) {
		if ((error as {code?: string}).code === 'ENOENT') return;
		throw error;
	}
	if (!stat.isSocket()) throw new Error(`perftop: ${path} exists and is not a socket; refusing to replace it`);
	const state = await probeSocket(path);
	if (state === 'live') throw new Error(`perftop: another host is listening on ${path}`);
	if (state === 'stale') {
		try {
			if (lstatSync(path).isSocket()) unlinkSync(path);
		} catch (error) {
			if ((error as {code?: string}).code !== 'ENOENT') throw error;
		}
	}
}

function listenOnce(server: Server, path: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error) => {
			server.off('listening', onListening);
			reject(error);
		};
		const onListening = () => {
			server.off('error', onError);
			resolve();
		};
		server.once('error', onError);
		server.once('listening', onListening);
		server.listen(path);
	});
}

/**
 * Makes `server` listen on `path`. `privateDir`: the directory is perftop's own (created 0700 and checked);
 * otherwise a missing directory is created 0700 and an existing one is left as it is.
 */
export async function bindSocket(server: Server, path: string, {privateDir}: {privateDir: boolean}): Promise<SocketIdentity> {
	checkSocketPath(path);
	if (privateDir) ensurePrivateDir(dirname(path));
	else mkdirSync(dirname(path), {recursive: true, mode: 0o700});
	for (let attempt = 0; ; attempt++) {
		await clearPath(path);
		try {
			await listenOnce(server, path);
			break;
		} catch (error) {
			// Another process may have bound the path between our check and listen: check again, once.
			if ((error as {code?: string}).code !== 'EADDRINUSE' || attempt > 0) throw error;
		}
	}
	chmodSync(path, 0o600);
	const stat = lstatSync(path);
	return {dev: stat.dev, ino: stat.ino};
}

/** Removes the socket at `path` if it is still the one we created. Never throws. */
export function removeSocket(path: string, identity: SocketIdentity): boolean {
	try {
		const stat = lstatSync(path);
		if (!stat.isSocket() || stat.dev !== identity.dev || stat.ino !== identity.ino) return false;
		unlinkSync(path);
		return true;
	} catch {
		return false;
	}
}
