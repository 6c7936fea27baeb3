/**
 * Test helpers: run the example host (host.ts) as a child process the way the demo does, and watch a
 * host's socket with perftop's own client.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import type {Snapshot} from 'perftop';
import {PerftopClient} from '../../../source/tui/client/perftop-client.js';

/** The host entry. */
export const HOST_ENTRY = fileURLToPath(new URL('../../host.ts', import.meta.url));
/** tsx's loader, for `node --import`. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What host.ts prints when ready. */
export interface ReadyLine {
	ready: true;
	url: string;
	socket: string | null;
	pid: number;
	monitored: boolean;
	plugins: Record<string, 'loaded' | 'failed'>;
}

/** A running host child. */
export interface HostProcess {
	child: ChildProcess;
	ready: ReadyLine;
	/** Everything the host wrote to stderr so far. */
	stderr(): string;
	/** SIGTERM, then waits for exit; resolves with the exit code (or signal name). */
	stop(): Promise<number | string | null>;
}

/** A short private temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'pe-'): {dir: string; remove: () => void} {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return {dir, remove: () => rmSync(dir, {recursive: true, force: true})};
}

/**
 * Starts host.ts with `args` (through `launcher`, a command prefix, when given, and with `env` added to this
 * process's environment); resolves once it printed its ready line.
 */
export function startHost(args: string[], options: {timeoutMs?: number; launcher?: readonly string[]; env?: Record<string, string>} = {}): Promise<HostProcess> {
	const command = [...(options.launcher ?? []), process.execPath, '--import', TSX_LOADER, '--conditions=source', HOST_ENTRY, ...args];
	const env = options.env ? {...process.env, ...options.env} : process.env;
	const child = spawn(command[0]!, command.slice(1), {stdio: ['pipe', 'pipe', 'pipe'], env});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<number | string | null>(resolve => child.once('exit', (code, signal) => resolve(code ?? signal)));
	const stop = async (): Promise<number | string | null> => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		const code = await exited;
		clearTimeout(timer);
		return code;
	};
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop();
			reject(new Error(`host not ready within ${options.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
		}, options.timeoutMs ?? 60_000);
		const lines = createInterface({input: child.stdout!});
		lines.once('line', line => {
			clearTimeout(timer);
			try {
				resolve({child, ready: JSON.parse(line) as ReadyLine, stderr: () => stderr, stop});
			} catch (error) {
				void stop();
				reject(error);
			}
		});
		void exited.then(code => {
			clearTimeout(timer);
			reject(new Error(`host exited (${code}) before it was ready; stderr: ${stderr}`));
		});
	});
}

/** A subscribed client and the latest snapshot it received. */
export interface Watcher {
	client: PerftopClient;
	latest(): Snapshot | null;
	/** Resolves with the first snapshot (current or future) for which `test` holds; rejects after timeoutMs. */
	until(test: (snapshot: Snapshot) => boolean, timeoutMs: number, what: string): Promise<Snapshot>;
	close(): void;
}

/** Connects perftop's client to `socket` and subscribes at `intervalMs`. */
export function watch(socket: string, intervalMs: number): Watcher {
	const client = new PerftopClient({path: socket, intervalMs, reconnect: false});
	let latest: Snapshot | null = null;
	const waiters = new Set<() => void>();
	client.onSnapshot(snapshot => {
		latest = snapshot;
		for (const waiter of [...waiters]) waiter();
	});
	client.connect();
	return {
		client,
		latest: () => latest,
		until(test, timeoutMs, what) {
			return new Promise((resolve, reject) => {
				const check = (): void => {
					if (latest && test(latest)) {
						waiters.delete(check);
						clearTimeout(timer);
						resolve(latest);
					}
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		close: () => client.close(),
	};
}
