/**
 * `perftop demo [--headless] [--socket <path>] [--rate <n>] [--log-dir <dir>]`: starts the example host
 * (plugins-example/, an orders service whose features are plugins) under its own load in a child process, waits
 * until it serves its socket, then attaches the TUI; quitting the TUI stops the host. Headless, it runs the host
 * until SIGINT, SIGTERM or SIGHUP (forwarded to the host) for scripts and benchmarks.
 *
 * The socket goes in perftop's default socket directory (so `perftop list` shows the demo), and the orders
 * host writes its performance log to a directory the demo names when it starts and again, with the
 * `perftop analyze` command to read it, when it ends.
 *
 * The demo never leaves the host behind: it stops the host on any of those signals, when the process that
 * started it (npm, a shell, a supervisor) is gone, and, if the demo itself is killed outright, the host
 * sees its stdin end and its parent change and stops itself.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {defaultSocketDir, ensurePrivateDir, MAX_SOCKET_PATH_BYTES, socketName} from '../host/ipc/paths.js';
import {perftopCommand, shellWord} from './invocation.js';
import type {CommandIo} from './once.js';

/** Options of the demo command. */
export interface DemoOptions extends CommandIo {
	/** Run without the TUI until SIGINT/SIGTERM/SIGHUP, the parent process ends, or `signal` aborts. */
	headless?: boolean;
	/**
	 * Socket path for the host (default: `<example>-demo-<pid>.sock` in perftop's default socket directory,
	 * where `perftop list` looks; a new private temporary directory when that one cannot be used).
	 */
	socket?: string;
	/**
	 * Directory for the host's performance log, created when missing (default: a new directory
	 * perftop-demo-log-* in the system's temporary directory). Only the orders example writes one.
	 */
	logDir?: string;
	/** Requests per second of the host's built-in load (default 50; 0: no load). */
	rate?: number;
	/** Which example host: `orders` (default, plugins-example/host.ts) or `fastify` (plugins-example/fastify/host.ts). */
	example?: string;
	/** Directory for the host's database (default: plugins-example/data). */
	dataDir?: string;
	/** Bytes the leaky plugin keeps per request (default: the host's). */
	leakBytes?: number;
	/** Stops a headless demo, like SIGTERM (for callers that embed it). */
	signal?: AbortSignal;
	/** How long the host may take to get ready, ms (default 60 000; the first run seeds the database). */
	readyTimeoutMs?: number;
}

/** The example hosts the demo can start: the entry under plugins-example/ and how the demo names it. */
const EXAMPLES: Readonly<Record<string, {entry: readonly string[]; label: string; starting: string; writesLog: boolean}>> = {
	orders: {entry: ['host.ts'], label: 'orders service', starting: 'an orders service with plugins; the first run seeds 100k orders', writesLog: true},
	fastify: {entry: ['fastify', 'host.ts'], label: 'fastify shop', starting: 'a Fastify shop with @fastify plugins, instrumented by perftop/fastify', writesLog: false},
};

/** The demo host's ready line (printed by plugins-example/host.ts and plugins-example/fastify/host.ts). */
interface ReadyLine {
	url: string;
	socket: string | null;
	pid: number;
	plugins: Record<string, string>;
}

/** A host that has not exited this long after being asked to is killed (it gives itself less). */
const STOP_TIMEOUT_MS = 4000;
const STDERR_TAIL = 4096;
/** How often the demo checks that the process that started it is still there, ms. */
const PARENT_CHECK_MS = 500;
/** How long the live view gets to end by itself when the demo is stopped from outside, ms. */
const TUI_END_MS = 1500;
/** The signals that stop the demo (and, forwarded, the host). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The directory holding perftop's package.json, found by walking up from `start`. */
export function packageRoot(start = dirname(fileURLToPath(import.meta.url))): string | null {
	for (let dir = start; ; dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			try {
				if ((JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown}).name === 'perftop') return dir;
			} catch {
				// Not ours; keep walking.
			}
		}
		if (dirname(dir) === dir) return null;
	}
}

/**
 * Runs the demo. `attach` shows the TUI for a socket and resolves with its exit code when the user quits.
 * Resolves with the command's exit code.
 */
export async function runDemo(options: DemoOptions, attach: (socketPath: string) => Promise<number>): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	const say = (text: string): void => void stderr.write(`perftop demo: ${text}\n`);

	const exampleName = options.example ?? 'orders';
	const example = Object.hasOwn(EXAMPLES, exampleName) ? EXAMPLES[exampleName]! : null;
	if (!example) {
		say(`--example must be one of ${Object.keys(EXAMPLES).join(', ')}`);
		return 2;
	}
	if (options.logDir !== undefined && !example.writesLog) {
		say(`--log-dir: the ${exampleName} example writes no performance log (the orders example does)`);
		return 2;
	}
	const root = packageRoot();
	const entry = root ? join(root, 'plugins-example', ...example.entry) : null;
	if (!entry || !existsSync(entry)) {
		say(`the example host (plugins-example/${example.entry.join('/')}) is not here; the demo runs from a perftop checkout`);
		return 1;
	}
	let loader: string;
	try {
		loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
	} catch {
		say("the demo needs the 'tsx' package (a development dependency); run npm install in the checkout");
		return 1;
	}
	const rate = options.rate ?? 50;
	if (!Number.isFinite(rate) || rate < 0) {
		say('--rate must be a number >= 0');
		return 2;
	}

	let privateDir: string | null = null;
	const ownSocket = options.socket === undefined;
	const listed = options.socket ?? listedSocketPath(exampleName);
	if (listed === null) privateDir = mkdtempSync(join(tmpdir(), 'perftop-demo-'));
	const socket = listed ?? join(privateDir!, 'host.sock');
	let log: {dir: string; created: boolean} | null = null;
	if (example.writesLog) {
		try {
			log = options.logDir === undefined ? {dir: mkdtempSync(join(tmpdir(), 'perftop-demo-log-')), created: true} : {dir: resolve(options.logDir), created: !existsSync(options.logDir)};
			mkdirSync(log.dir, {recursive: true});
		} catch (error) {
			say(`cannot create the log directory ${log?.dir ?? options.logDir ?? ''}: ${(error as Error).message}`);
			return 1;
		}
	}

	const args = ['--import', loader, '--conditions=source', entry, '--socket', socket, '--rate', String(rate), '--exit-with-stdin'];
	if (log) args.push('--log-dir', log.dir);
	if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
	if (options.leakBytes !== undefined) args.push('--leak-bytes', String(options.leakBytes));
	// Its own process group: a Ctrl-C in the terminal reaches only us, and we decide how the host stops.
	// If we die without stopping it, its stdin ends and its parent pid changes, and it stops itself
	// (--exit-with-stdin).
	const child = spawn(process.execPath, args, {cwd: root ?? undefined, stdio: ['pipe', 'pipe', 'pipe'], detached: true});
	const ending = watchEnding(options.signal);
	let tail = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
		if (options.headless) stderr.write(chunk);
		tail = (tail + chunk).slice(-STDERR_TAIL);
	});
	const exited = new Promise<string>(resolve => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
	let stopping = false;
	const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
		stopping = true;
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
		await exited;
		clearTimeout(timer);
	};

	try {
		say(`starting the example host (${example.starting})...`);
		const ready = await waitReady(child, exited, options.readyTimeoutMs ?? 60_000, ending.reason);
		if (typeof ready === 'string') {
			await stop();
			if (ready === 'aborted') return 0;
			say(`${ready}${tail ? `\n${tail.trimEnd()}` : ''}`);
			return 1;
		}
		if (ready.socket === null) {
			await stop();
			say(`the host could not serve its socket at ${socket}${tail ? `\n${tail.trimEnd()}` : ''}`);
			return 1;
		}
		const failed = Object.entries(ready.plugins).filter(([, state]) => state !== 'loaded').map(([name]) => name);
		stdout.write(`${example.label}: ${ready.url} (pid ${ready.pid}), load ${rate} req/s${failed.length ? `, failed plugins: ${failed.join(', ')}` : ''}\n`);
		stdout.write(`socket: ${ready.socket}\n`);
		if (log) stdout.write(`performance log: ${log.dir}\n`);
		if (options.headless) {
			stdout.write(`attach with: ${perftopCommand()} --attach ${shellWord(ready.socket)}    (Ctrl-C stops the host)\n`);
			const outcome = await Promise.race([exited.then(detail => ({kind: 'exit', detail}) as const), ending.reason.then(reason => ({kind: 'end', reason}) as const)]);
			if (outcome.kind === 'exit') {
				say(`the host exited unexpectedly (${outcome.detail})${tail ? `\n${tail.trimEnd()}` : ''}`);
				return 1;
			}
			await stop(hostSignal(outcome.reason));
			return 0;
		}
		const tui = attach(ready.socket).catch((error: unknown) => {
			say(`the TUI failed: ${error instanceof Error ? error.message : String(error)}`);
			return 1;
		});
		const first = await Promise.race([tui.then(code => ({kind: 'quit', code}) as const), ending.reason.then(reason => ({kind: 'end', reason}) as const)]);
		if (first.kind === 'quit') {
			await stop();
			return first.code;
		}
		// Stopped from outside while the live view runs: end it as a hang-up or a termination would (it
		// restores the terminal on those), unless that very signal already reached its own listeners.
		if (first.reason === 'parent') process.emit('SIGHUP', 'SIGHUP');
		else if (first.reason === 'SIGINT' || first.reason === 'abort') process.emit('SIGTERM', 'SIGTERM');
		const code = await Promise.race([tui, delay(TUI_END_MS, null)]);
		await stop(hostSignal(first.reason));
		if (code === null) {
			// The live view did not end: leave anyway; exit hooks and Node restore the terminal.
			cleanUp();
			process.exit(exitCodeFor(first.reason));
		}
		return code;
	} finally {
		ending.dispose();
		if (!stopping) await stop();
		cleanUp();
	}

	/** After the host has exited: removes what the demo made for it, and names the log and how to read it. */
	function cleanUp(): void {
		if (privateDir) rmSync(privateDir, {recursive: true, force: true});
		// Our own path in the shared directory: a host that could not remove its socket (killed) leaves it stale.
		else if (ownSocket) removeSocket(socket);
		if (log === null) return;
		if (!hasFiles(log.dir)) {
			if (log.created) rmSync(log.dir, {recursive: true, force: true});
			return;
		}
		stdout.write(`performance log written to ${log.dir}\nread it with: ${perftopCommand()} analyze ${shellWord(log.dir)}\n`);
		log = null;
	}
}

/**
 * The demo's socket in perftop's default socket directory, where `perftop list` finds it, or null when that
 * directory cannot be used (another user's, not a directory) or the path would be too long for a socket.
 */
function listedSocketPath(example: string): string | null {
	const dir = defaultSocketDir();
	const path = join(dir, `${socketName(example)}-demo-${process.pid}.sock`);
	if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) return null;
	try {
		ensurePrivateDir(dir);
		return path;
	} catch {
		return null;
	}
}

/** Removes `path` when it is a socket (never anything else). */
function removeSocket(path: string): void {
	try {
		if (lstatSync(path).isSocket()) unlinkSync(path);
	} catch {
		// Already gone.
	}
}

function hasFiles(dir: string): boolean {
	try {
		return readdirSync(dir).length > 0;
	} catch {
		return false;
	}
}

/** Why a demo is being stopped from outside: a signal, its parent process gone, or the caller's abort. */
type EndReason = (typeof STOP_SIGNALS)[number] | 'parent' | 'abort';

/** The signal passed on to the host for an ending. */
function hostSignal(reason: EndReason): NodeJS.Signals {
	return reason === 'parent' || reason === 'abort' ? 'SIGTERM' : reason;
}

/** The conventional exit code for an ending (128 + signal number). */
function exitCodeFor(reason: EndReason): number {
	return reason === 'SIGINT' ? 130 : reason === 'SIGHUP' || reason === 'parent' ? 129 : 143;
}

/** Resolves with `value` after `ms`, without keeping the process alive for it. */
function delay<T>(ms: number, value: T): Promise<T> {
	return new Promise(resolve => setTimeout(resolve, ms, value).unref());
}

/**
 * Listens, for the demo's whole run, for what stops it from outside: SIGINT, SIGTERM, SIGHUP, an abort,
 * and its parent process ending (npm killed, the shell gone; the demo is then re-parented and its parent
 * pid changes). Having listeners also means none of these kills the demo before it has stopped the host.
 */
function watchEnding(abort: AbortSignal | undefined): {reason: Promise<EndReason>; dispose: () => void} {
	let settle!: (reason: EndReason) => void;
	const reason = new Promise<EndReason>(resolve => (settle = resolve));
	let done = false;
	const end = (why: EndReason): void => {
		if (done) return;
		done = true;
		settle(why);
	};
	const handlers = STOP_SIGNALS.map(signal => [signal, () => end(signal)] as const);
	for (const [signal, handler] of handlers) process.on(signal, handler);
	const onAbort = (): void => end('abort');
	abort?.addEventListener('abort', onAbort, {once: true});
	if (abort?.aborted) onAbort();
	const parent = process.ppid;
	const watch = setInterval(() => {
		if (process.ppid !== parent) end('parent');
	}, PARENT_CHECK_MS);
	watch.unref();
	return {
		reason,
		dispose() {
			done = true;
			clearInterval(watch);
			for (const [signal, handler] of handlers) process.off(signal, handler);
			abort?.removeEventListener('abort', onAbort);
		},
	};
}

/** Resolves with the ready line, or with a reason string ('aborted', a timeout, an early exit). */
function waitReady(child: ChildProcess, exited: Promise<string>, timeoutMs: number, ending: Promise<EndReason>): Promise<ReadyLine | string> {
	return new Promise(resolve => {
		const lines = createInterface({input: child.stdout!});
		const timer = setTimeout(() => finish(`the host was not ready within ${timeoutMs} ms`), timeoutMs);
		void ending.then(() => finish('aborted'));
		function finish(result: ReadyLine | string): void {
			clearTimeout(timer);
			lines.removeAllListeners('line');
			resolve(result);
		}
		lines.on('line', line => {
			try {
				const parsed = JSON.parse(line) as Partial<ReadyLine> & {ready?: unknown};
				if (parsed.ready === true) finish(parsed as ReadyLine);
			} catch {
				// Not the ready line.
			}
		});
		void exited.then(how => finish(`the host exited before it was ready (${how})`));
	});
}
