/**
 * A real terminal for end-to-end tests: a detached tmux session of a given size running one command, with
 * keys sent and the screen captured as text. Each session uses its own tmux server socket (-L), so tests never
 * touch the user's tmux; the server is killed when the test ends.
 */
import {execFileSync} from 'node:child_process';
import type {TestContext} from 'node:test';

/** A tmux session running one command. */
export interface TmuxSession {
	/** The server label passed to tmux -L. */
	readonly server: string;
	/** Sends keys as tmux key names (`q`, `Enter`, `Escape`, `Down`, `C-c`) or literal text with `{literal: true}`. */
	send(keys: string | string[], options?: {literal?: boolean}): void;
	/** The visible screen as plain text lines (trailing spaces trimmed). */
	capture(): string;
	/** Polls capture() until `predicate` holds; resolves with that frame or rejects with the last one. */
	waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
	/** Resizes the window. */
	resize(width: number, height: number): void;
	/** The pid of the command running in the pane, or null once it has exited. */
	panePid(): number | null;
	/** Whether the pane's command has exited. */
	dead(): boolean;
	/** The exit status of the pane's command once it has exited, else null. */
	exitStatus(): number | null;
	/** Kills the tmux server. */
	kill(): void;
}

let counter = 0;

function tmux(server: string, args: string[]): string {
	return execFileSync('tmux', ['-L', server, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

/** Whether tmux can be run here. */
export function hasTmux(): boolean {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/** Starts `command` (argv) in a new detached session of `width` x `height`, with extra environment `env`. */
export function startTmux(t: TestContext | null, command: string[], options: {width: number; height: number; env?: Record<string, string>; cwd?: string}): TmuxSession {
	const server = `perftop-test-${process.pid}-${++counter}`;
	const envArgs = Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	tmux(server, [
		'-f', '/dev/null',
		'new-session', '-d', '-x', String(options.width), '-y', String(options.height),
		...(options.cwd ? ['-c', options.cwd] : []),
		...envArgs,
		...command,
	]);
	// Keep the pane after its command exits so tests can see that it exited.
	tmux(server, ['set-option', '-g', 'remain-on-exit', 'on']);
	const session: TmuxSession = {
		server,
		send(keys, sendOptions = {}) {
			tmux(server, ['send-keys', ...(sendOptions.literal ? ['-l'] : []), ...(Array.isArray(keys) ? keys : [keys])]);
		},
		capture() {
			return tmux(server, ['capture-pane', '-p'])
				.split('\n')
				.map(line => line.trimEnd())
				.join('\n');
		},
		async waitFor(predicate, what, timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			let frame = '';
			while (Date.now() < deadline) {
				frame = session.capture();
				if (predicate(frame)) return frame;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
			throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
		},
		resize(width, height) {
			tmux(server, ['resize-window', '-x', String(width), '-y', String(height)]);
		},
		panePid() {
			const [dead, pid] = tmux(server, ['display-message', '-p', '#{pane_dead} #{pane_pid}']).trim().split(' ');
			return dead === '1' ? null : Number(pid);
		},
		dead() {
			return tmux(server, ['display-message', '-p', '#{pane_dead}']).trim() === '1';
		},
		exitStatus() {
			const [dead, status] = tmux(server, ['display-message', '-p', '#{pane_dead} #{pane_dead_status}']).trim().split(' ');
			return dead === '1' && status !== undefined && status !== '' ? Number(status) : null;
		},
		kill() {
			try {
				tmux(server, ['kill-server']);
			} catch {
				// already gone
			}
		},
	};
	t?.after(() => session.kill());
	return session;
}
