/**
 * `perftop list [--dir <dir>] [--clean]`: the live hosts in the socket directory (name, pid, uptime, CPU and
 * RSS of the process read from outside with pidusage, path); a host that listens but does not greet (its event
 * loop is blocked) is listed as not responding, with its CPU and RSS, when its default socket name gives its pid;
 * stale sockets (nothing listening: a host was killed before it could remove its socket) are skipped and,
 * with --clean, removed. Whether a host is live is decided by connecting, never by its age or pid, and a
 * socket is removed only if it is still the very file that refused the connection.
 */
import {lstatSync, readdirSync, unlinkSync} from 'node:fs';
import {basename, join} from 'node:path';
import {defaultSocketDir} from '../host/ipc/paths.js';
import {probeHost} from '../tui/client/probe.js';
import {sampleWindow, type ProcessUsage} from '../tui/client/process-usage.js';
import {duration, type CommandIo} from './once.js';

/** Lists live hosts; resolves to the exit code (0, also when none is found). */
export async function runList({dir, clean = false, stdout = process.stdout, stderr = process.stderr}: {dir?: string; clean?: boolean} & CommandIo): Promise<number> {
	const where = dir ?? defaultSocketDir();
	let names: string[];
	try {
		names = readdirSync(where).filter(name => name.endsWith('.sock')).sort();
	} catch (error) {
		if ((error as {code?: string}).code === 'ENOENT') {
			stdout.write(`no live perftop hosts (${where} does not exist)\n`);
			return 0;
		}
		stderr.write(`perftop: cannot read ${where}: ${(error as Error).message}\n`);
		return 1;
	}
	const sockets = names.flatMap(name => {
		const path = join(where, name);
		const identity = socketIdentity(path);
		return identity === null ? [] : [{path, identity}];
	});
	const probes = await Promise.all(sockets.map(async ({path, identity}) => ({path, identity, result: await probeHost(path)})));
	// CPU and RSS of each host process, read from outside (like `pm2 ls`), so a host whose event loop is blocked
	// and that cannot greet still shows what it is doing; its pid then comes from its default socket name.
	const pids = probes.map(({path, result}) => (result.state === 'live' ? result.hello.host.pid : result.state === 'other' ? pidFromSocketName(path) : null));
	const usages = await Promise.all(pids.map(pid => (pid === null ? null : sampleWindow(pid))));
	const rows: string[][] = [];
	let stale = 0;
	let removed = 0;
	for (const [index, {path, identity, result}] of probes.entries()) {
		const usage = usages[index] ?? null;
		if (result.state === 'live') {
			const {host} = result.hello;
			rows.push([host.name, String(host.pid), duration(Date.now() - host.startedAt), ...usageCells(usage), path]);
		} else if (result.state === 'other' && usage !== null) {
			rows.push([`${basename(path, '.sock').replace(/-\d+$/, '')} (not responding)`, String(pids[index]), '-', ...usageCells(usage), path]);
		} else if (result.state === 'stale') {
			stale++;
			if (clean && removeIfSame(path, identity)) removed++;
		} else {
			stderr.write(`perftop: skipping ${path}: ${result.reason}\n`);
		}
	}
	if (rows.length === 0) stdout.write(`no live perftop hosts in ${where}\n`);
	else stdout.write(table(['NAME', 'PID', 'UPTIME', 'CPU', 'RSS', 'SOCKET'], rows));
	if (stale > 0) {
		stdout.write(clean ? `removed ${removed} stale socket${removed === 1 ? '' : 's'}\n` : `${stale} stale socket${stale === 1 ? '' : 's'} skipped (remove with --clean)\n`);
	}
	return 0;
}

/** The CPU and RSS cells of a host: `12.5%`, `81.2 MB`; dashes when its process could not be read. */
function usageCells(usage: ProcessUsage | null): [string, string] {
	if (usage === null) return ['-', '-'];
	return [`${usage.cpuPercent.toFixed(1)}%`, `${(usage.rss / 1024 / 1024).toFixed(1)} MB`];
}

/** The pid in a default socket name (`<name>-<pid>.sock`), or null. */
function pidFromSocketName(path: string): number | null {
	const match = /-(\d+)\.sock$/.exec(path);
	return match ? Number(match[1]) : null;
}

/** The device and inode of the socket at `path`, or null when it is not a socket. */
function socketIdentity(path: string): string | null {
	try {
		const stat = lstatSync(path);
		return stat.isSocket() ? `${stat.dev}:${stat.ino}` : null;
	} catch {
		return null;
	}
}

/**
 * Removes `path` only if it is still the socket that was probed: a host that started on the same path
 * meanwhile replaced it with a new socket (another inode), which stays, and so does anything not a socket.
 */
function removeIfSame(path: string, identity: string): boolean {
	try {
		if (socketIdentity(path) !== identity) return false;
		unlinkSync(path);
		return true;
	} catch {
		return false;
	}
}

function table(header: string[], rows: string[][]): string {
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => (row[column] ?? '').length)));
	return [header, ...rows].map(cells => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}
