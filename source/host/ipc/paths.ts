/**
 * Where sockets live: $XDG_RUNTIME_DIR/perftop/<name>-<pid>.sock, else <tmpdir>/perftop-<uid>/<name>-<pid>.sock,
 * in a directory only the owner can enter (0700).
 */
import {lstatSync, mkdirSync, chmodSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {isAbsolute, join} from 'node:path';

/** Longest socket path Unix accepts, in bytes (sun_path is 108 bytes with its terminating NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

function uid(): string {
	if (typeof process.getuid === 'function') return String(process.getuid());
	try {
		return userInfo().username;
	} catch {
		return 'user';
	}
}

/** The directory holding this user's host sockets (it may not exist yet). */
export function defaultSocketDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
	const runtime = env['XDG_RUNTIME_DIR'];
	if (runtime && isAbsolute(runtime)) return join(runtime, 'perftop');
	return join(tmpdir(), `perftop-${uid()}`);
}

/** A file-name-safe form of a host name. */
export function socketName(name: string): string {
	return name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 40) || 'host';
}

/** The default socket path of host `name` with process id `pid`. */
export function defaultSocketPath(name: string, pid: number = process.pid, env: Readonly<Record<string, string | undefined>> = process.env): string {
	return join(defaultSocketDir(env), `${socketName(name)}-${pid}.sock`);
}

/**
 * Creates the default socket directory (0700) or checks an existing one: it must be a real directory owned
 * by this user; group/other permissions are removed. Throws a clear error otherwise.
 */
export function ensurePrivateDir(dir: string): void {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const stat = lstatSync(dir);
	if (!stat.isDirectory()) throw new Error(`perftop: ${dir} is not a directory`);
	if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
		throw new Error(`perftop: ${dir} belongs to another user (uid ${stat.uid}); refusing to put a socket there`);
	}
	if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Throws when `path` is too long to be a Unix socket path (Node would silently truncate it). */
export function checkSocketPath(path: string): void {
	const length = Buffer.byteLength(path);
	if (length > MAX_SOCKET_PATH_BYTES) {
		throw new Error(`perftop: socket path is ${length} bytes, longer than the ${MAX_SOCKET_PATH_BYTES} Unix allows: ${path}`);
	}
}
