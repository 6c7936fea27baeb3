/**
 * The terminal around the TUI: the alternate screen (so quitting gives the shell its screen back, as htop
 * does), and the ways a session ends besides `q` — SIGHUP (terminal closed), SIGTERM, stdin EOF.
 */

const ENTER_ALTERNATE = '\u001B[?1049h\u001B[H';
const LEAVE_ALTERNATE = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

/** Undo for enterAlternateScreen; safe to call more than once. */
export type Restore = () => void;

/** Switches `stdout` to the alternate screen; the returned function (also run on process exit) switches back. */
export function enterAlternateScreen(stdout: NodeJS.WriteStream): Restore {
	if (!stdout.isTTY) return () => {};
	stdout.write(ENTER_ALTERNATE);
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		process.off('exit', restore);
		stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE);
	};
	process.on('exit', restore);
	return restore;
}

/** Why a session ended from outside, with the exit code it should give. */
export interface EndSignal {
	reason: 'SIGHUP' | 'SIGTERM' | 'stdin-eof';
	code: number;
}

/** Calls `onEnd` once when the terminal hangs up, the process is asked to stop, or stdin ends; returns the removal. */
export function onSessionEnd(stdin: NodeJS.ReadStream, onEnd: (end: EndSignal) => void): () => void {
	let done = false;
	const end = (signal: EndSignal) => {
		if (done) return;
		done = true;
		onEnd(signal);
	};
	const hup = () => end({reason: 'SIGHUP', code: 129});
	const term = () => end({reason: 'SIGTERM', code: 143});
	const eof = () => end({reason: 'stdin-eof', code: 0});
	process.on('SIGHUP', hup);
	process.on('SIGTERM', term);
	stdin.on('end', eof);
	stdin.on('close', eof);
	return () => {
		process.off('SIGHUP', hup);
		process.off('SIGTERM', term);
		stdin.off('end', eof);
		stdin.off('close', eof);
	};
}
