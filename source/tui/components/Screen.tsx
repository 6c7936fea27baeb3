/**
 * The whole screen, drawn from the state and the terminal size only: the main view (header, plugins, caches,
 * alerts), the detail view or the help screen, with status line and key bar. Never taller than height - 1.
 */
import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {detailRows, mainLayout, MIN_HEIGHT, MIN_WIDTH} from '../layout.js';
import {effectiveCache, effectiveSelection, unresponsiveFor, type AppState} from '../state/reducer.js';
import {scrollTop, visiblePlugins} from '../state/rows.js';
import type {Theme} from '../theme.js';
import {alertLineCount, alertText, AlertsPanel} from './AlertsPanel.js';
import {CacheDetail} from './CacheDetail.js';
import {CachesPanel} from './CachesPanel.js';
import {Header} from './Header.js';
import {HelpView} from './HelpView.js';
import {HooksPanel} from './HooksPanel.js';
import {KeyBar, PromptLine} from './KeyBar.js';
import {Message, tooSmallLines} from './Message.js';
import {busiestFirst, OperationsPanel} from './OperationsPanel.js';
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
export function bottomText(state: AppState, width = 80): {text: string; tone: 'prompt' | 'question'} | null {
	if (state.prompt) {
		const label = state.prompt.kind === 'search' ? 'Search' : 'Filter';
		const help = `   (Enter: done, Esc: ${state.prompt.kind === 'filter' ? 'clear' : 'cancel'})`;
		// A long entry shows its end, where the typing is.
		const room = Math.max(8, width - label.length - 3 - help.length);
		const text = state.prompt.text.length > room ? `~${state.prompt.text.slice(-(room - 1))}` : state.prompt.text;
		return {text: `${label}: ${text}_${help}`, tone: 'prompt'};
	}
	if (state.confirm) {
		if (state.confirm.kind === 'reset-metrics') return {text: "Reset all of the host's metrics? y: reset  n/Esc: cancel", tone: 'question'};
		if (state.confirm.cache !== null) {
			const keys = '?  s: only this one  a: all caches  n/Esc: cancel';
			const name = state.confirm.cache;
			const room = Math.max(8, width - 'Clear cache ""'.length - keys.length);
			return {text: `Clear cache "${name.length > room ? `${name.slice(0, room - 1)}~` : name}"${keys}`, tone: 'question'};
		}
		return {text: 'Clear all caches? y/a: yes  n/Esc: no  (Tab, then c: one cache)', tone: 'question'};
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
	const operations = useMemo(() => (snapshot ? busiestFirst(snapshot.series) : []), [snapshot]);
	const at = snapshot?.at ?? 0;
	const alertLines = useMemo(() => (snapshot ? snapshot.alerts.reduce((sum, alert) => sum + alertLineCount(alertText(alert, at), width), 0) : 0), [snapshot, at, width]);
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
			unresponsiveMs={unresponsiveFor(state)}
			hostUsage={state.hostUsage}
		/>
	);
	const bottom = bottomText(state, width);
	const scope = state.view;
	const bar = bottom ? <PromptLine text={bottom.text} tone={bottom.tone} width={width} theme={theme} /> : <KeyBar scope={scope} readonly={readonly} width={width} theme={theme} />;
	const cacheDetail = state.view === 'cache' ? snapshot?.caches?.find(cache => cache.name === state.cacheDetail) : undefined;
	if (cacheDetail) {
		return (
			<Box flexDirection="column" width={width} height={height - 1}>
				<CacheDetail cache={cacheDetail} hitRatio={state.history.caches[cacheDetail.name]} width={width} rows={height - 3 - (state.notice ? 1 : 0)} theme={theme} />
				{state.notice ? <Notice state={state} width={width} theme={theme} /> : null}
				{status}
				{bar}
			</Box>
		);
	}
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
	const selected = effectiveSelection(state);
	const selectedIndex = selected === null ? 0 : plugins.findIndex(plugin => plugin.name === selected);
	const selectedPlugin = selectedIndex >= 0 ? (plugins[selectedIndex] ?? null) : null;
	const layout = mainLayout(width, height, snapshot, {notice: state.notice !== null, plugins: plugins.length, operations: operations.length, hooks: selectedPlugin?.hooks.length ?? null, alertLines});
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
				trends={state.history.plugins}
			/>
			{layout.hookRows > 0 ? <HooksPanel plugin={selectedPlugin} history={state.history} rows={layout.hookRows} width={width} theme={theme} /> : null}
			<OperationsPanel operations={operations} rows={layout.operationRows} width={width} theme={theme} />
			<CachesPanel caches={snapshot?.caches ?? null} hasSnapshot={snapshot !== null} selected={cache} top={cacheTop} rows={layout.cacheRows} width={width} focused={state.focus === 'caches'} theme={theme} />
			<AlertsPanel alerts={snapshot ? snapshot.alerts : null} rows={layout.alertRows} width={width} at={snapshot?.at ?? 0} theme={theme} />
			{state.notice ? <Notice state={state} width={width} theme={theme} /> : null}
			{bar}
		</Box>
	);
}
