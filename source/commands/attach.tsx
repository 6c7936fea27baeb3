/**
 * The live view as the CLI runs it: connects a PerftopClient, renders the TUI with Ink on the alternate
 * screen, and resolves with the exit code when the session ends (q, SIGHUP, SIGTERM, stdin EOF).
 * The CLI imports this module only after choosing React's build (see react-mode.ts).
 */
import {writeExport} from './export-file.js';
import type {MetricsExport} from '../protocol/snapshot.js';
import {PerftopClient} from '../tui/client/perftop-client.js';
import {sampleLocalProcess} from '../tui/client/process-usage.js';
import {isSshAddress} from '../tui/client/ssh-transport.js';
import {loadForTerminal} from '../tui/interactive-env.js';
import {loadWithProductionReact} from '../tui/react-mode.js';
import {enterAlternateScreen, onSessionEnd} from '../tui/terminal.js';
import {chooseTheme} from '../tui/theme.js';

/**
 * React, Ink and the modules that use them, loaded on first use: with React's production build (react-mode.ts)
 * and with `CI` hidden when stdout is a terminal, so Ink draws (is-in-ci) and chalk keeps colour
 * (interactive-env.ts). This file has no JSX for that reason: JSX would load React when the file is imported.
 */
async function loadInk() {
	const {loaded} = await loadWithProductionReact(() =>
		loadForTerminal(() => Promise.all([import('react'), import('ink'), import('../tui/app.js'), import('../tui/ink-patches.js')]), process.stdout.isTTY === true),
	);
	const [react, ink, app, patches] = loaded;
	return {createElement: react.createElement, render: ink.render, TerminalApp: app.TerminalApp, installInkPatches: patches.installInkPatches, takeInkPatchesNotice: patches.takeInkPatchesNotice};
}

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
	const {createElement, render, TerminalApp, installInkPatches, takeInkPatchesNotice} = await loadInk();
	const client = new PerftopClient({path: socket, intervalMs, readonly});
	const theme = chooseTheme(process.env, {color: options.color ? undefined : false});
	const exportFile = (data: MetricsExport) => writeExport(data, {format: options.exportFormat, dir: options.exportDir});
	// Same frames as Ink's own assembly and measurement, a fraction of the cost, memory bounded; only on the
	// Ink release they were written for, else Ink's own code and a one-line notice, printed here before the
	// alternate screen so it stays readable (ink-patches.ts).
	await installInkPatches(process.stdout);
	const restoreScreen = enterAlternateScreen(process.stdout);
	let code = 0;
	const instance = render(createElement(TerminalApp, {connection: client, socket, theme, readonly, intervalMs, exportFile, sampleProcess: isSshAddress(socket) ? undefined : sampleLocalProcess}), {
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
