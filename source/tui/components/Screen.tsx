/**
 * The whole screen, drawn from the state and the terminal size only: the main view (header, plugins, caches,
 * alerts), the detail view or the help screen, with status line and key bar. Never taller than height - 1.
 */
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {detailRows, mainLayout, MIN_HEIGHT, MIN_WIDTH} from '../layout.js';
import {effectiveCache, effectiveSelection, type AppState} from '../state/reducer.js';
import {scrollTop, visiblePlugins} from '../state/rows.js';
import type {Theme} from '../theme.js';
import {AlertsPanel} from './AlertsPanel.js';
import {CachesPanel} from './CachesPanel.js';
import {Header} from './Header.js';
import {HelpView} from './HelpView.js';
import {KeyBar, PromptLine} from './KeyBar.js';
import {Message, tooSmallLines} from './Message.js';
import {PluginDetail} from './PluginDetail.js';
import {PluginTable} from './PluginTable.js';
import {StatusLine} from './StatusLine.js';

/** Props of Screen. */
export interface ScreenProps {
	state: AppState;
	width: number;
	height: number;
	theme: Theme;
	/** The TUI was started with --readonly. */
	readonly: boolean;
	/** The socket path, for messages. */
	socket: string;
}

/** The text of the bottom line while a prompt, question or command is open, or null for the key bar. */
export function bottomText(state: AppState): {text: string; tone: 'prompt' | 'question'} | null {
	if (state.prompt) {
		const label = state.prompt.kind === 'search' ? 'Search' : 'Filter';
		return {text: `${label}: ${state.prompt.text}_   (Enter: done, Esc: ${state.prompt.kind === 'filter' ? 'clear' : 'cancel'})`, tone: 'prompt'};
	}
	if (state.confirm) {
		if (state.confirm.kind === 'reset-metrics') return {text: "Reset all of the host's metrics? y: reset  n/Esc: cancel", tone: 'question'};
		if (state.confirm.cache !== null) return {text: `Clear caches? s: only "${state.confirm.cache}"  a: all caches  n/Esc: cancel`, tone: 'question'};
		return {text: 'Clear all caches on the host? y/a: all caches  n/Esc: cancel  (Tab selects one cache)', tone: 'question'};
	}
	if (state.busy) return {text: `${state.busy}...`, tone: 'prompt'};
	return null;
}

function Notice({state, width, theme}: {state: AppState; width: number; theme: Theme}) {
	const notice = state.notice!;
	return (
		<Text wrap="truncate-end" {...(notice.level === 'error' ? theme.status.error : theme.status.info)}>
			{notice.text.padEnd(width).slice(0, width)}
		</Text>
	);
}

/** Draws the screen. */
export function Screen({state, width, height, theme, readonly, socket}: ScreenProps) {
	const snapshot = state.snapshot;
	const plugins = useMemo(() => (snapshot ? visiblePlugins(snapshot.plugins, state.sort, state.filter) : []), [snapshot, state.sort, state.filter]);
	if (width < MIN_WIDTH || height < MIN_HEIGHT) {
		return <Message lines={tooSmallLines(width, height, MIN_WIDTH, MIN_HEIGHT)} width={width} height={height - 1} style={theme.status.error} />;
	}
	if (state.connection.state === 'incompatible') {
		return (
			<Message
				lines={['Cannot show this host: protocol version mismatch.', state.connection.message, 'Use a perftop version that matches the host library. Press q to quit.']}
				width={width}
				height={height - 1}
				style={theme.status.error}
			/>
		);
	}
	const host = snapshot?.host ?? (state.connection.state === 'connected' ? state.connection.hello.host : null);
	const hostReadonly = snapshot?.monitor.readonly ?? (state.connection.state === 'connected' ? state.connection.hello.readonly : false);
	const status = (
		<StatusLine
			connection={state.connection}
			connectionAt={state.connectionAt}
			host={host}
			receivedAt={state.receivedAt}
			now={state.now}
			paused={state.paused}
			sort={state.sort}
			filter={state.filter}
			readonly={readonly}
			hostReadonly={hostReadonly}
			socket={socket}
			width={width}
			theme={theme}
		/>
	);
	const bottom = bottomText(state);
	const scope = state.view;
	const bar = bottom ? <PromptLine text={bottom.text} tone={bottom.tone} width={width} theme={theme} /> : <KeyBar scope={scope} readonly={readonly} width={width} theme={theme} />;
	if (state.view === 'help') {
		return (
			<Box flexDirection="column" width={width} height={height - 1}>
				<HelpView readonly={readonly} width={width} height={height - 2} theme={theme} />
				{bar}
			</Box>
		);
	}
	const detailPlugin = state.view === 'detail' ? snapshot?.plugins.find(plugin => plugin.name === state.detail) : undefined;
	if (detailPlugin) {
		return (
			<Box flexDirection="column" width={width} height={height - 1}>
				<PluginDetail plugin={detailPlugin} history={state.history} width={width} rows={detailRows(height) - (state.notice ? 1 : 0)} top={state.detailTop} theme={theme} />
				{state.notice ? <Notice state={state} width={width} theme={theme} /> : null}
				{status}
				{bar}
			</Box>
		);
	}
	const layout = mainLayout(width, height, snapshot, {notice: state.notice !== null});
	const selected = effectiveSelection(state);
	const selectedIndex = selected === null ? 0 : plugins.findIndex(plugin => plugin.name === selected);
	const top = scrollTop(state.top, Math.max(0, selectedIndex), layout.tableRows, plugins.length);
	const cacheNames = snapshot?.caches?.map(cache => cache.name) ?? [];
	const cache = effectiveCache(state);
	const cacheTop = scrollTop(state.cacheTop, Math.max(0, cache === null ? 0 : cacheNames.indexOf(cache)), layout.cacheRows, cacheNames.length);
	return (
		<Box flexDirection="column" width={width} height={height - 1}>
			<Header snapshot={snapshot} history={state.history} plan={layout.header} theme={theme} />
			{status}
			<PluginTable
				plugins={plugins}
				hasSnapshot={snapshot !== null}
				total={snapshot?.plugins.length ?? 0}
				filter={state.filter}
				selected={selected}
				top={top}
				rows={layout.tableRows}
				width={width}
				sort={state.sort}
				focused={state.focus === 'plugins'}
				theme={theme}
			/>
			<CachesPanel caches={snapshot?.caches ?? null} hasSnapshot={snapshot !== null} selected={cache} top={cacheTop} rows={layout.cacheRows} width={width} focused={state.focus === 'caches'} theme={theme} />
			<AlertsPanel alerts={snapshot ? snapshot.alerts : null} rows={layout.alertRows} width={width} at={snapshot?.at ?? 0} theme={theme} />
			{state.notice ? <Notice state={state} width={width} theme={theme} /> : null}
			{bar}
		</Box>
	);
}
