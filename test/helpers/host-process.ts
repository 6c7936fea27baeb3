/**
 * Starts a real host process for end-to-end tests (test/fixtures/hosts/*.ts) and waits for its READY line.
 * The process is killed when the test ends.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import type {TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A running host process. */
export interface HostProcess {
	child: ChildProcess;
	pid: number;
	/** The socket path it printed. */
	socket: string;
	/** Sends a stdin command (`summary`, `stats`) and resolves with the JSON printed in reply. */
	ask<T = unknown>(command: 'summary' | 'stats'): Promise<T>;
	/** Resolves when the process has exited. */
	exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
	/** Everything it wrote to stderr so far. */
	stderr(): string;
}

/** A short temporary directory (socket paths must stay under 107 bytes); removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'pt-'): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

/** Spawns `node --import tsx --conditions=source <fixture> ...args` and waits until it prints READY. */
export async function startHost(t: TestContext, args: string[] = [], fixture = 'basic-host.ts', env: NodeJS.ProcessEnv = {}): Promise<HostProcess> {
	const file = join(root, 'test', 'fixtures', 'hosts', fixture);
	const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', file, ...args], {
		cwd: root,
		stdio: ['pipe', 'pipe', 'pipe'],
		env: {...process.env, PERFTOP_QUIET_FAULTS: '1', ...env},
	});
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	t.after(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await exited;
		}
	});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', chunk => (stderr += chunk));
	const waiting = new Map<string, Array<(json: string) => void>>();
	let onReady: ((path: string) => void) | null = null;
	createInterface({input: child.stdout!}).on('line', line => {
		const space = line.indexOf(' ');
		const tag = space === -1 ? line : line.slice(0, space);
		const rest = space === -1 ? '' : line.slice(space + 1);
		if (tag === 'READY') onReady?.(rest);
		else waiting.get(tag)?.shift()?.(rest);
	});
	const socket = await new Promise<string>((resolve, reject) => {
		onReady = resolve;
		void exited.then(({code, signal}) => reject(new Error(`host exited before READY (code ${code}, signal ${signal}): ${stderr}`)));
		setTimeout(() => reject(new Error(`host printed no READY within 30 s: ${stderr}`)), 30_000).unref();
	});
	return {
		child,
		pid: child.pid!,
		socket,
		exited,
		stderr: () => stderr,
		ask<T>(command: 'summary' | 'stats'): Promise<T> {
			const tag = command.toUpperCase();
			return new Promise<T>(resolve => {
				const list = waiting.get(tag) ?? [];
				list.push(json => resolve(JSON.parse(json) as T));
				waiting.set(tag, list);
				child.stdin!.write(`${command}\n`);
			});
		},
	};
}
