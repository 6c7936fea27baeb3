/**
 * `perftop demo [--headless] [--socket <path>] [--rate <n>]`: starts the example host (plugins-example/, an
 * orders service whose features are plugins) under its own load in a child process, waits until it serves
 * its socket, then attaches the TUI; quitting the TUI stops the host. Headless, it runs the host until
 * SIGINT/SIGTERM (forwarded to the host) for scripts and benchmarks.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import type {CommandIo} from './once.js';

/** Options of the demo command. */
export interface DemoOptions extends CommandIo {
	/** Run without the TUI until SIGINT/SIGTERM (or `signal`). */
	headless?: boolean;
	/** Socket path for the host (default: host.sock in a new private temporary directory). */
	socket?: string;
	/** Requests per second of the host's built-in load (default 50; 0: no load). */
	rate?: number;
	/** Directory for the host's database (default: plugins-example/data). */
	dataDir?: string;
	/** Bytes the leaky plugin keeps per request (default: the host's). */
	leakBytes?: number;
	/** Stops a headless demo, like SIGTERM (for callers that embed it). */
	signal?: AbortSignal;
	/** How long the host may take to get ready, ms (default 60 000; the first run seeds the database). */
	readyTimeoutMs?: number;
}

/** The demo host's ready line (printed by plugins-example/host.ts). */
interface ReadyLine {
	url: string;
	socket: string | null;
	pid: number;
	plugins: Record<string, string>;
}

const STOP_TIMEOUT_MS = 10_000;
const STDERR_TAIL = 4096;

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

	const root = packageRoot();
	const entry = root ? join(root, 'plugins-example', 'host.ts') : null;
	if (!entry || !existsSync(entry)) {
		say('the example host (plugins-example/host.ts) is not here; the demo runs from a perftop checkout');
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
	let socket = options.socket;
	if (socket === undefined) {
		privateDir = mkdtempSync(join(tmpdir(), 'perftop-demo-'));
		socket = join(privateDir, 'host.sock');
	}

	const args = ['--import', loader, '--conditions=source', entry, '--socket', socket, '--rate', String(rate), '--exit-with-stdin'];
	if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
	if (options.leakBytes !== undefined) args.push('--leak-bytes', String(options.leakBytes));
	// Its own process group: a Ctrl-C in the terminal reaches only us, and we decide how the host stops.
	// If we die without stopping it, its stdin ends and it stops itself (--exit-with-stdin).
	const child = spawn(process.execPath, args, {cwd: root ?? undefined, stdio: ['pipe', 'pipe', 'pipe'], detached: true});
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
		say('starting the example host (an orders service with plugins; the first run seeds 100k orders)...');
		const ready = await waitReady(child, exited, options.readyTimeoutMs ?? 60_000, options.signal);
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
		stdout.write(`orders service: ${ready.url} (pid ${ready.pid}), load ${rate} req/s${failed.length ? `, failed plugins: ${failed.join(', ')}` : ''}\n`);
		stdout.write(`socket: ${ready.socket}\n`);
		if (options.headless) {
			stdout.write(`attach with: perftop --attach ${ready.socket}    (Ctrl-C stops the host)\n`);
			const outcome = await untilStopped(exited, options.signal);
			if (outcome.kind === 'exit') {
				say(`the host exited unexpectedly (${outcome.detail})${tail ? `\n${tail.trimEnd()}` : ''}`);
				return 1;
			}
			await stop(outcome.signal);
			return 0;
		}
		let code: number;
		try {
			code = await attach(ready.socket);
		} catch (error) {
			say(`the TUI failed: ${error instanceof Error ? error.message : String(error)}`);
			code = 1;
		}
		await stop();
		return code;
	} finally {
		if (!stopping) await stop();
		if (privateDir) rmSync(privateDir, {recursive: true, force: true});
	}
}

/** Resolves with the ready line, or with a reason string ('aborted', a timeout, an early exit). */
function waitReady(child: ChildProcess, exited: Promise<string>, timeoutMs: number, signal: AbortSignal | undefined): Promise<ReadyLine | string> {
	return new Promise(resolve => {
		const lines = createInterface({input: child.stdout!});
		const timer = setTimeout(() => finish(`the host was not ready within ${timeoutMs} ms`), timeoutMs);
		const onAbort = (): void => finish('aborted');
		signal?.addEventListener('abort', onAbort, {once: true});
		if (signal?.aborted) onAbort();
		function finish(result: ReadyLine | string): void {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
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

type StopOutcome = {kind: 'signal'; signal: NodeJS.Signals} | {kind: 'exit'; detail: string};

/** Waits for SIGINT/SIGTERM, an abort, or the host's own exit. */
function untilStopped(exited: Promise<string>, abort: AbortSignal | undefined): Promise<StopOutcome> {
	return new Promise(resolve => {
		let done = false;
		const handlers: Array<[NodeJS.Signals, () => void]> = (['SIGINT', 'SIGTERM'] as const).map(signal => [signal, () => finish({kind: 'signal', signal})]);
		const onAbort = (): void => finish({kind: 'signal', signal: 'SIGTERM'});
		for (const [signal, handler] of handlers) process.on(signal, handler);
		abort?.addEventListener('abort', onAbort, {once: true});
		if (abort?.aborted) onAbort();
		void exited.then(detail => finish({kind: 'exit', detail}));
		function finish(outcome: StopOutcome): void {
			if (done) return;
			done = true;
			for (const [signal, handler] of handlers) process.off(signal, handler);
			abort?.removeEventListener('abort', onAbort);
			resolve(outcome);
		}
	});
}
