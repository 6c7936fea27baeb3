/**
 * Renders the TUI's App with ink-testing-library at an exact size against a FakeConnection, with helpers to
 * press keys and wait for frames (lastFrame() updates a macrotask or more after input).
 */
import {render} from 'ink-testing-library';
import type {MetricsExport} from '../../source/protocol/snapshot.js';
import {App} from '../../source/tui/app.js';
import type {ProcessSampler} from '../../source/tui/client/process-usage.js';
import {monoTheme, type Theme} from '../../source/tui/theme.js';
import {FakeConnection} from './fakes.js';

/** Key names to the bytes a terminal sends. */
export const KEYS = {
	up: '\u001B[A',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

/** A rendered app and its controls. */
export interface RenderedApp {
	connection: FakeConnection;
	/** Exports handed to the export writer. */
	exports: MetricsExport[];
	frame(): string;
	press(...keys: string[]): Promise<void>;
	/** Writes keys one after another without waiting between them (a fast typist). */
	typeFast(...keys: string[]): void;
	waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
	/** How many times the app quit. */
	quits: {count: number};
	unmount(): void;
	now: {value: number};
	/** The fake stdout Ink renders to. */
	stdout: object;
}

const tick = (ms = 0) => new Promise(resolve => setTimeout(resolve, ms));

/** Renders App at width x height; the connection starts 'connecting'. */
export async function renderApp(options: {width: number; height: number; readonly?: boolean; theme?: Theme; exportPath?: string; exportError?: Error; sampleProcess?: ProcessSampler}): Promise<RenderedApp> {
	const connection = new FakeConnection();
	const exports: MetricsExport[] = [];
	const now = {value: 1_000_000};
	const quits = {count: 0};
	const exportFile = (data: MetricsExport) => {
		if (options.exportError) throw options.exportError;
		exports.push(data);
		return options.exportPath ?? '/tmp/perftop-shop-api-1.json';
	};
	const instance = render(
		<App
			connection={connection}
			socket="/tmp/pt/shop.sock"
			width={options.width}
			height={options.height}
			theme={options.theme ?? monoTheme}
			readonly={options.readonly ?? false}
			intervalMs={1000}
			exportFile={exportFile}
			now={() => now.value}
			onQuit={() => quits.count++}
			sampleProcess={options.sampleProcess}
		/>,
	);
	// Let effects subscribe to the connection.
	await tick(5);
	const frame = () => instance.lastFrame() ?? '';
	const waitFor = async (predicate: (frame: string) => boolean, what: string, timeoutMs = 3000) => {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (predicate(frame())) return frame();
			await tick(5);
		}
		throw new Error(`timed out waiting for ${what}; last frame:\n${frame()}`);
	};
	return {
		connection,
		exports,
		frame,
		async press(...keys) {
			for (const key of keys) {
				instance.stdin.write(key);
				await tick(15);
			}
		},
		typeFast(...keys) {
			for (const key of keys) instance.stdin.write(key);
		},
		waitFor,
		quits,
		unmount: () => instance.unmount(),
		now,
		stdout: instance.stdout,
	};
}
