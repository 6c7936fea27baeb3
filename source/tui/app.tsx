/**
 * The connected root of the TUI: owns the state (reducer), feeds it from the host connection, turns keys into
 * actions and effects, and renders <Screen> with the terminal size it is given.
 */
import {useApp, useInput, useStdin} from 'ink';
import {useCallback, useReducer, useRef} from 'react';
import type {MetricsExport} from '../protocol/snapshot.js';
import {alertLineCount, alertText} from './components/AlertsPanel.js';
import {Screen} from './components/Screen.js';
import type {HostConnection} from './host-connection.js';
import {runEffect} from './effects.js';
import type {ProcessSampler} from './client/process-usage.js';
import {useHostFeed} from './hooks/use-host-feed.js';
import {useHostUsage} from './hooks/use-host-usage.js';
import {useStaleTick} from './hooks/use-stale-tick.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {detailRows, mainLayout} from './layout.js';
import {interpretKey} from './state/keys.js';
import {DEFAULT_STALE_AFTER_MS, effectiveSelection, initialState, reducer, visibleNames, type AppState} from './state/reducer.js';
import type {Theme} from './theme.js';

/** Props of App. */
export interface AppProps {
	connection: HostConnection;
	/** Socket path, for messages. */
	socket: string;
	width: number;
	height: number;
	theme: Theme;
	/** Hide and refuse the destructive keys (clear caches, reset metrics). */
	readonly: boolean;
	/** Snapshot interval asked of the host, ms. */
	intervalMs: number;
	/** Writes an export file and returns its path. */
	exportFile(data: MetricsExport): string;
	/** Client clock (tests pass a fake). */
	now?: () => number;
	/** Called when the user quits, just before the app unmounts. */
	onQuit?: () => void;
	/**
	 * Reads the host process's CPU and RSS from outside while it does not respond (the live view passes pidusage's,
	 * client/process-usage.ts); without it the screen only says how long the host has been silent.
	 */
	sampleProcess?: ProcessSampler;
}

/** Table rows on screen for the state's view, for paging keys. */
export function pageRows(state: AppState, width: number, height: number): number {
	if (state.view === 'detail') return detailRows(height);
	if (state.view === 'cache') return 1;
	const names = visibleNames(state);
	const selected = effectiveSelection(state);
	const hooks = selected === null ? null : (state.snapshot?.plugins.find(plugin => plugin.name === selected)?.hooks.length ?? null);
	const at = state.snapshot?.at ?? 0;
	const alertLines = state.snapshot?.alerts.reduce((sum, alert) => sum + alertLineCount(alertText(alert, at), width), 0) ?? 0;
	// The same numbers the screen draws with (Screen.tsx), so paging moves by what is visible.
	const layout = mainLayout(width, height, state.snapshot, {notice: state.notice !== null, plugins: names.length, hooks, alertLines});
	return state.focus === 'caches' ? Math.max(1, layout.cacheRows) : layout.tableRows;
}

/** No snapshot for this long means the host is not responding: three intervals, at least 3 s. */
export function staleAfter(intervalMs: number): number {
	return Math.max(DEFAULT_STALE_AFTER_MS, 3 * intervalMs);
}

/** The app at a given size. */
export function App({connection, socket, width, height, theme, readonly, intervalMs, exportFile, now = Date.now, onQuit, sampleProcess}: AppProps) {
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	const [state, dispatch] = useReducer(reducer, undefined, () => initialState(now(), {staleAfterMs: staleAfter(intervalMs)}));
	const latest = useRef(state);
	latest.current = state;
	useHostFeed(connection, dispatch, intervalMs, now);
	useStaleTick(state, dispatch, now);
	useHostUsage(state, dispatch, sampleProcess, now);
	const onKey = useCallback(
		(input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
			const current = latest.current;
			const outcome = interpretKey(current, input, key, {readonly, rows: pageRows(current, width, height)});
			if (outcome.action) {
				// Keys can arrive faster than React re-renders: the next key must see this one's effect.
				latest.current = reducer(current, outcome.action);
				dispatch(outcome.action);
			}
			if (outcome.effect)
				void runEffect(outcome.effect, {
					connection,
					exportFile,
					dispatch,
					quit: () => {
						onQuit?.();
						exit();
					},
				});
		},
		[connection, exportFile, readonly, width, height, exit, onQuit],
	);
	useInput(onKey, {isActive: isRawModeSupported === true});
	return <Screen state={state} width={width} height={height} theme={theme} readonly={readonly} socket={socket} />;
}

/** Props of TerminalApp: App's, without the size. */
export type TerminalAppProps = Omit<AppProps, 'width' | 'height'>;

/** The app sized to the terminal, redrawn on resize. */
export function TerminalApp(props: TerminalAppProps) {
	const size = useTerminalSize();
	return <App {...props} width={size.width} height={size.height} />;
}
