/**
 * Reaching a host on another machine: `ssh://[user@]server[:port]/path/to/host.sock`. Each connection runs the
 * system `ssh` (the user's own config, keys and agent) with `perftop bridge <path>` as the remote command; the
 * bridge relays its stdio to the host's socket, so the NDJSON stream is the same as on a local socket. The
 * bridge connects as the ssh user: only the socket's owner (or root) gets in, as on the server itself.
 *
 * Nothing outlives the connection: ssh runs in its own process group without a terminal (it never prompts,
 * and a Ctrl-C or hang-up reaches only perftop, which ends it); when perftop ends in any way, ssh reads EOF on
 * its stdin and passes it on, the bridge ends on that EOF, and ssh ends with the session.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {homedir} from 'node:os';
import {Duplex} from 'node:stream';
import type {Transport} from './transport.js';

/** An `ssh://` address, taken apart. */
export interface SshAddress {
	/** The login name, when the address names one (else ssh's config decides). */
	user: string | undefined;
	/** The server, as ssh is given it (a name from ~/.ssh/config works too); IPv6 without brackets. */
	host: string;
	/** The port, when the address names one. */
	port: number | undefined;
	/** The host's socket path on the server (absolute). */
	path: string;
}

/**
 * Exit codes of `perftop bridge` when it cannot reach the socket, by the system error it got (any other
 * failure exits 1). The ssh transport turns them back into the same error codes a local socket gives.
 */
export const BRIDGE_EXIT_CODES: Readonly<Record<string, number>> = {ENOENT: 3, ECONNREFUSED: 4, EACCES: 5, ENOTSOCK: 6};

/** The exit code of a remote shell that found no such command. */
const COMMAND_NOT_FOUND = 127;
/** ssh's own failures (connection, authentication, host key) exit with this code. */
const SSH_FAILED = 255;
/** Options perftop adds after the user's own (which win): a dead link is noticed, a stuck connect ends. */
const DEFAULT_SSH_OPTIONS = ['-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3'];
/** How much of ssh's stderr is kept for the error message, characters. */
const STDERR_KEPT = 4096;
/** After SIGTERM, ssh gets this long before SIGKILL, ms. */
const KILL_AFTER_MS = 2000;

/** Whether `text` is an `ssh://` address rather than a socket path. */
export function isSshAddress(text: string): boolean {
	return /^ssh:\/\//i.test(text);
}

/** Takes an `ssh://[user@]server[:port]/path` address apart; throws an Error with a sentence when it is malformed. */
export function parseSshAddress(text: string): SshAddress {
	const bad = (why: string) => new Error(`${text} is not a usable ssh address (${why}); the form is ssh://[user@]server[:port]/path/to/host.sock`);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw bad('it does not parse');
	}
	if (url.protocol !== 'ssh:') throw bad('it does not start with ssh://');
	const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
	if (host === '') throw bad('no server');
	const user = url.username === '' ? undefined : decodeURIComponent(url.username);
	// Neither may be read by ssh as an option (ssh://-oProxyCommand=... must not run anything).
	if (host.startsWith('-') || user?.startsWith('-')) throw bad('a server or user name may not start with -');
	if (url.password !== '') throw bad('passwords do not belong in the address; ssh asks its agent or keys');
	if (url.search !== '' || url.hash !== '') throw bad('no ? or # parts');
	const path = decodeURIComponent(url.pathname);
	if (!path.startsWith('/') || path === '/') throw bad('no socket path after the server');
	return {user, host, port: url.port === '' ? undefined : Number(url.port), path};
}

/** What the ssh transport runs: the local ssh command and the perftop on the server. */
export interface SshCommandOptions {
	/**
	 * The ssh command with any options of its own, split like a shell would (default `ssh`); e.g.
	 * `ssh -F ~/.ssh/perftop_config -i ~/.ssh/ops` (see {@link splitCommand}). The CLI reads it from
	 * `PERFTOP_SSH_COMMAND`.
	 */
	sshCommand?: string;
	/**
	 * The command that runs perftop on the server (default `perftop`), e.g.
	 * `/srv/app/node_modules/.bin/perftop`; `bridge <path>` is appended. The CLI reads `PERFTOP_REMOTE_COMMAND`.
	 */
	remoteCommand?: string;
}

/** The command and arguments that open one bridged connection to `address`. */
export function sshInvocation(address: SshAddress, {sshCommand = 'ssh', remoteCommand = 'perftop'}: SshCommandOptions = {}): {command: string; args: string[]} {
	const [command = 'ssh', ...own] = splitCommand(sshCommand);
	const destination = address.user === undefined ? address.host : `${address.user}@${address.host}`;
	const port = address.port === undefined ? [] : ['-p', String(address.port)];
	// -T: no terminal on the server (plain pipes, so EOF reaches the bridge); -e none: no escape character.
	const remote = `${remoteCommand} bridge ${quote(address.path)}`;
	return {command, args: [...own, ...DEFAULT_SSH_OPTIONS, '-T', '-e', 'none', ...port, '--', destination, remote]};
}

/** A transport that reaches the host at `address` through ssh and `perftop bridge` on the server. */
export function sshTransport(address: SshAddress, label: string, options: SshCommandOptions = {}): Transport {
	const {command, args} = sshInvocation(address, options);
	return {label, open: () => new SshConnection(command, args, address)};
}

/** The options the CLI takes from the environment: `PERFTOP_SSH_COMMAND` and `PERFTOP_REMOTE_COMMAND`. */
export function sshOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SshCommandOptions {
	const options: SshCommandOptions = {};
	if (env['PERFTOP_SSH_COMMAND']) options.sshCommand = env['PERFTOP_SSH_COMMAND'];
	if (env['PERFTOP_REMOTE_COMMAND']) options.remoteCommand = env['PERFTOP_REMOTE_COMMAND'];
	return options;
}

/** Splits a command line into words as a POSIX shell would for plain words, '…', "…" and a leading ~ (no other expansions). */
export function splitCommand(text: string): string[] {
	const words: string[] = [];
	let word: string | null = null;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (char === "'") {
			const end = text.indexOf("'", index + 1);
			if (end === -1) throw new Error(`unbalanced ' in '${text}'`);
			word = (word ?? '') + text.slice(index + 1, end);
			index = end;
		} else if (char === '"') {
			// Inside "…", a backslash escapes only " \ $ and `.
			let quoted = '';
			for (index++; index < text.length && text[index] !== '"'; index++) {
				if (text[index] === '\\' && /["\\$`]/.test(text[index + 1] ?? '')) index++;
				quoted += text[index];
			}
			if (index >= text.length) throw new Error(`unbalanced " in '${text}'`);
			word = (word ?? '') + quoted;
		} else if (char === '\\' && index + 1 < text.length) {
			word = (word ?? '') + text[++index];
		} else if (/\s/.test(char)) {
			if (word !== null) words.push(word);
			word = null;
		} else if (char === '~' && word === null && /^(\/|\s|$)/.test(text.slice(index + 1, index + 2))) {
			// A leading unquoted ~ is the home directory, as in a shell (ssh -F ~/.ssh/ops_config).
			word = homedir();
		} else word = (word ?? '') + char;
	}
	if (word !== null) words.push(word);
	return words;
}

/** `word` for a POSIX shell (the remote side's), single-quoted unless it holds only safe characters. */
function quote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * One ssh child as a duplex stream: writes go to its stdin, its stdout is read. It closes when ssh exits;
 * with an `error` first when ssh or the bridge failed, carrying the code a local socket would have given.
 */
class SshConnection extends Duplex {
	readonly #child: ChildProcess;
	readonly #address: SshAddress;
	#stderr = '';
	#killTimer: NodeJS.Timeout | null = null;

	constructor(command: string, args: string[], address: SshAddress) {
		// allowHalfOpen false: when ssh's output ends, this stream ends and closes.
		super({allowHalfOpen: false});
		this.#address = address;
		// detached: its own process group and session, so no controlling terminal (no prompt in the middle of the
		// TUI, no SIGINT or SIGHUP from the user's terminal); perftop ends it, and its stdin's EOF ends it otherwise.
		const child = spawn(command, args, {stdio: ['pipe', 'pipe', 'pipe'], detached: true});
		this.#child = child;
		child.on('error', error => this.destroy(new Error(`cannot run ${command}: ${error.message}`)));
		child.stdin!.on('error', () => {
			// ssh is gone; its exit says why.
		});
		child.stdout!.on('data', (chunk: Buffer) => {
			if (!this.push(chunk)) child.stdout!.pause();
		});
		child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
			this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEPT);
		});
		child.on('close', (code, signal) => {
			if (this.#killTimer) clearTimeout(this.#killTimer);
			if (this.destroyed) return;
			const failure = this.#failure(code, signal);
			if (failure) this.destroy(failure);
			else this.push(null);
		});
	}

	/** The process id of the ssh child (its process group too). */
	get pid(): number | undefined {
		return this.#child.pid;
	}

	override _read(): void {
		this.#child.stdout!.resume();
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		const stdin = this.#child.stdin!;
		// A write to a gone ssh is not this stream's error: ssh's exit reports what happened.
		if (stdin.destroyed) callback();
		else stdin.write(chunk, () => callback());
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.#child.stdin!.end();
		callback();
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		const child = this.#child;
		child.stdin!.destroy();
		child.stdout!.destroy();
		if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
			signalGroup(child.pid, 'SIGTERM');
			this.#killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), KILL_AFTER_MS);
			this.#killTimer.unref();
		}
		callback(error);
	}

	/** Why the session ended, as an error for the client, or null when the host simply closed the connection. */
	#failure(code: number | null, signal: NodeJS.Signals | null): (Error & {code?: string}) | null {
		if (code === 0) return null;
		const said = lastLine(this.#stderr);
		const server = this.#address.host;
		if (signal !== null) return new Error(`ssh to ${server} ended by ${signal}${said ? `: ${said}` : ''}`);
		const systemCode = Object.entries(BRIDGE_EXIT_CODES).find(([, exit]) => exit === code)?.[0];
		if (systemCode !== undefined) return Object.assign(new Error(said.replace(/^perftop bridge: /, '') || systemCode), {code: systemCode});
		if (code === COMMAND_NOT_FOUND) {
			return new Error(`perftop is not on the PATH of the remote shell on ${server}: install it there, or set PERFTOP_REMOTE_COMMAND to its path (e.g. /srv/app/node_modules/.bin/perftop)`);
		}
		if (code === SSH_FAILED) return new Error(said || `ssh to ${server} failed`);
		return new Error(`the bridge on ${server} exited with code ${code}${said ? `: ${said}` : ''}`);
	}
}

function lastLine(text: string): string {
	const lines = text.split(/\r?\n/).map(line => line.trim()).filter(Boolean);
	return lines.at(-1) ?? '';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		// ssh leads its own group (detached): a ProxyCommand it started goes with it.
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}
