/**
 * The live view as the CLI runs it: connects a PerftopClient, renders the TUI with Ink on the alternate
 * screen, and resolves with the exit code when the session ends (q, SIGHUP, SIGTERM, stdin EOF).
 * The CLI imports this module only after choosing React's build (see react-mode.ts).
 */
import {render} from 'ink';
import {writeExport} from './export-file.js';
import type {MetricsExport} from '../protocol/snapshot.js';
import {TerminalApp} from '../tui/app.js';
import {PerftopClient} from '../tui/client/perftop-client.js';
import {installInkPatches, takeInkPatchesNotice} from '../tui/ink-patches.js';
import {enterAlternateScreen, onSessionEnd} from '../tui/terminal.js';
import {chooseTheme} from '../tui/theme.js';

/** What the live view needs from the command line. */
export interface LiveViewOptions {
	socket: string;
	readonly: boolean;
	/** Snapshot interval asked of the host, ms. */
	intervalMs: number;
	/** false: monochrome whatever the environment says. */
	color: boolean;
	exportFormat: 'json' | 'csv';
	exportDir: string | undefined;
}

/** Most frames Ink draws per second; snapshots arrive at 1-10 Hz, keys may come faster. */
export const MAX_FPS = 10;

/** Runs the live view until the session ends; resolves with the exit code. */
export async function runLiveView(options: LiveViewOptions): Promise<number> {
	const {socket, readonly, intervalMs} = options;
	const client = new PerftopClient({path: socket, intervalMs, readonly});
	const theme = chooseTheme(process.env, {color: options.color ? undefined : false});
	const exportFile = (data: MetricsExport) => writeExport(data, {format: options.exportFormat, dir: options.exportDir});
	// Same frames as Ink's own assembly and measurement, a fraction of the cost, memory bounded; only on the
	// Ink release they were written for, else Ink's own code and a one-line notice, printed here before the
	// alternate screen so it stays readable (ink-patches.ts).
	await installInkPatches(process.stdout);
	const restoreScreen = enterAlternateScreen(process.stdout);
	let code = 0;
	const instance = render(<TerminalApp connection={client} socket={socket} theme={theme} readonly={readonly} intervalMs={intervalMs} exportFile={exportFile} />, {
		exitOnCtrlC: false,
		maxFps: MAX_FPS,
		patchConsole: true,
	});
	const stopListening = onSessionEnd(process.stdin, end => {
		code = end.code;
		instance.unmount();
	});
	client.connect();
	try {
		await instance.waitUntilExit();
	} finally {
		stopListening();
		client.close();
		instance.cleanup();
		restoreScreen();
		const patchNotice = takeInkPatchesNotice();
		if (patchNotice !== null) process.stderr.write(`${patchNotice}\n`);
	}
	return code;
}
