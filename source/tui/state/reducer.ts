/**
 * The TUI's state and its pure reducer: connection, snapshots (frozen while paused), histories, view, sort,
 * filter/search, selection (by name, so it follows a plugin when the order changes), prompts and notices.
 */
import type {HostEvent} from '../../protocol/messages.js';
import type {Snapshot} from '../../protocol/snapshot.js';
import {stepColumn} from '../columns.js';
import type {ConnectionStatus} from '../host-connection.js';
import type {Command} from '../keymap.js';
import {emptyHistory, recordSnapshot, type History} from './history.js';
import {indexOfName, namesOf, nextMatch, scrollTop, visiblePlugins, type SortOrder} from './rows.js';

/** A question on the prompt line that waits for y/n (or a/s). */
export type Confirm = {kind: 'clear-cache'; cache: string | null} | {kind: 'reset-metrics'};

/** A one-line message shown until replaced or dismissed. */
export interface Notice {
	level: 'info' | 'error';
	text: string;
}

/** The host process as the operating system reports it while the host sends nothing (see {@link unresponsiveFor}). */
export interface HostUsage {
	/** What was read, or why nothing was: `remote` (the host runs elsewhere), `gone` (no such process). */
	state: 'sampled' | 'remote' | 'gone';
	cpuPercent: number | null;
	rss: number | null;
}

/** Everything the screen is drawn from. */
export interface AppState {
	connection: ConnectionStatus;
	/** Client clock when the connection status last changed. */
	connectionAt: number;
	/** The snapshot on screen (frozen while paused). */
	snapshot: Snapshot | null;
	/** The newest snapshot received while paused. */
	pending: Snapshot | null;
	/** Client clock when the snapshot on screen arrived. */
	receivedAt: number | null;
	/** Client clock of the last snapshot, key or tick. */
	now: number;
	paused: boolean;
	history: History;
	/** `detail`: a plugin's detail view; `cache`: a cache's. */
	view: 'main' | 'detail' | 'cache' | 'help';
	/** Where Esc/? leaves the help screen to. */
	helpReturn: 'main' | 'detail' | 'cache';
	/** The plugin of the detail view. */
	detail: string | null;
	detailTop: number;
	focus: 'plugins' | 'caches';
	sort: SortOrder;
	filter: string;
	search: string;
	prompt: {kind: 'search' | 'filter'; text: string} | null;
	confirm: Confirm | null;
	/** Selected plugin, by name. */
	selected: string | null;
	/** First plugin row drawn (a hint; the view keeps the selection visible). */
	top: number;
	selectedCache: string | null;
	cacheTop: number;
	notice: Notice | null;
	/** A command in flight (e.g. "exporting"). */
	busy: string | null;
	/** No snapshot for this long while connected means the host is not responding, ms. */
	staleAfterMs: number;
	/** The host process read from outside while it is not responding; null once snapshots arrive. */
	hostUsage: HostUsage | null;
	/** The cache of the cache detail view. */
	cacheDetail: string | null;
}

/** Everything that changes the state. `rows` is how many table rows are on screen (for paging). */
export type Action =
	| {type: 'status'; status: ConnectionStatus; now: number}
	| {type: 'snapshot'; snapshot: Snapshot; now: number}
	| {type: 'event'; event: HostEvent; now: number}
	| {type: 'tick'; now: number}
	| {type: 'command'; command: Command; rows: number}
	| {type: 'prompt-text'; text: string}
	| {type: 'prompt-backspace'}
	| {type: 'prompt-commit'}
	| {type: 'prompt-cancel'}
	| {type: 'confirm-open'; confirm: Confirm}
	| {type: 'confirm-close'}
	| {type: 'busy'; text: string | null}
	| {type: 'notice'; notice: Notice | null}
	| {type: 'host-usage'; usage: HostUsage; now: number};

/** The state before anything arrived. */
export function initialState(now = 0, options: {sort?: SortOrder; staleAfterMs?: number} = {}): AppState {
	return {
		connection: {state: 'connecting'},
		connectionAt: now,
		snapshot: null,
		pending: null,
		receivedAt: null,
		now,
		paused: false,
		history: emptyHistory(),
		view: 'main',
		helpReturn: 'main',
		detail: null,
		detailTop: 0,
		focus: 'plugins',
		sort: options.sort ?? {column: 'share', descending: true},
		filter: '',
		search: '',
		prompt: null,
		confirm: null,
		selected: null,
		top: 0,
		selectedCache: null,
		cacheTop: 0,
		notice: null,
		busy: null,
		staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
		hostUsage: null,
		cacheDetail: null,
	};
}

/** How long without a snapshot, while connected, before the host counts as not responding (default), ms. */
export const DEFAULT_STALE_AFTER_MS = 3000;

/**
 * How long the connected host has sent no snapshot, ms, when that is at least `state.staleAfterMs` (its
 * event loop is blocked or it is stopped); null while it responds, and while not connected or paused.
 */
export function unresponsiveFor(state: Pick<AppState, 'connection' | 'receivedAt' | 'now' | 'staleAfterMs' | 'paused'>): number | null {
	if (state.connection.state !== 'connected' || state.receivedAt === null || state.paused) return null;
	const silent = state.now - state.receivedAt;
	return silent >= state.staleAfterMs ? silent : null;
}

/** Plugin names in table order for the state's snapshot, sort and filter. */
export function visibleNames(state: AppState): readonly string[] {
	return state.snapshot ? namesOf(visiblePlugins(state.snapshot.plugins, state.sort, state.filter)) : [];
}

function cacheNames(state: AppState): string[] {
	return state.snapshot?.caches?.map(cache => cache.name) ?? [];
}

/** The selected plugin name as shown (the first row when nothing valid is selected), or null for an empty table. */
export function effectiveSelection(state: AppState): string | null {
	const names = visibleNames(state);
	const index = indexOfName(names, state.selected);
	return index === -1 ? null : names[index]!;
}

/** The selected cache as shown, or null. */
export function effectiveCache(state: AppState): string | null {
	const names = cacheNames(state);
	const index = indexOfName(names, state.selectedCache);
	return index === -1 ? null : names[index]!;
}

function applySnapshot(state: AppState, snapshot: Snapshot, now: number): AppState {
	const before = visibleNames(state);
	const next: AppState = {...state, snapshot, pending: null, receivedAt: now, now, hostUsage: null, history: recordSnapshot(state.history, snapshot)};
	const after = visibleNames(next);
	if (state.selected !== null && !after.includes(state.selected)) {
		// The selected plugin is gone: stay at the same position.
		const position = Math.max(0, before.indexOf(state.selected));
		next.selected = after[Math.min(position, after.length - 1)] ?? null;
	} else if (state.selected === null) {
		next.selected = after[0] ?? null;
	}
	if (next.view === 'detail' && next.detail !== null && !snapshot.plugins.some(plugin => plugin.name === next.detail)) {
		next.notice = {level: 'info', text: `plugin ${next.detail} is no longer reported by the host`};
		next.view = 'main';
	}
	if (next.view === 'cache' && !cacheNames(next).includes(next.cacheDetail ?? '')) {
		next.notice = {level: 'info', text: `cache ${next.cacheDetail} is no longer reported by the host`};
		next.view = 'main';
	}
	const caches = cacheNames(next);
	if (caches.length === 0 && next.focus === 'caches') next.focus = 'plugins';
	if (next.selectedCache === null || !caches.includes(next.selectedCache)) next.selectedCache = caches[0] ?? null;
	return next;
}

function move(names: readonly string[], current: string | null, top: number, rows: number, to: (index: number) => number): {name: string | null; top: number} {
	if (names.length === 0) return {name: current, top: 0};
	const index = Math.min(names.length - 1, Math.max(0, to(indexOfName(names, current))));
	return {name: names[index]!, top: scrollTop(top, index, rows, names.length)};
}

function navigate(state: AppState, command: Command, rows: number): AppState {
	const page = Math.max(1, rows - 1);
	const step = (index: number): number => {
		switch (command) {
			case 'up':
				return index - 1;
			case 'down':
				return index + 1;
			case 'page-up':
				return index - page;
			case 'page-down':
				return index + page;
			case 'home':
				return 0;
			default:
				return Number.MAX_SAFE_INTEGER;
		}
	};
	if (state.view === 'cache') return state;
	if (state.view === 'detail') {
		const hooks = state.snapshot?.plugins.find(plugin => plugin.name === state.detail)?.hooks.length ?? 0;
		return {...state, detailTop: Math.max(0, Math.min(hooks - rows, step(state.detailTop)))};
	}
	if (state.focus === 'caches') {
		const moved = move(cacheNames(state), state.selectedCache, state.cacheTop, rows, step);
		return {...state, selectedCache: moved.name, cacheTop: moved.top};
	}
	const moved = move(visibleNames(state), state.selected, state.top, rows, step);
	return {...state, selected: moved.name, top: moved.top};
}

function defaultDescending(column: SortOrder['column']): boolean {
	return column !== 'name' && column !== 'state';
}

function runCommand(state: AppState, command: Command, rows: number): AppState {
	switch (command) {
		case 'help':
			if (state.view === 'help') return {...state, view: state.helpReturn};
			return {...state, view: 'help', helpReturn: state.view};
		case 'sort-prev':
		case 'sort-next': {
			const column = stepColumn(state.sort.column, command === 'sort-next' ? 1 : -1);
			if (column === state.sort.column) return state;
			return {...state, sort: {column, descending: defaultDescending(column)}};
		}
		case 'sort-invert':
			return {...state, sort: {...state.sort, descending: !state.sort.descending}};
		case 'search':
			return {...state, prompt: {kind: 'search', text: ''}, focus: 'plugins'};
		case 'filter':
			return {...state, prompt: {kind: 'filter', text: state.filter}, focus: 'plugins'};
		case 'focus':
			if (state.focus === 'caches') return {...state, focus: 'plugins'};
			return cacheNames(state).length > 0 ? {...state, focus: 'caches'} : {...state, notice: {level: 'info', text: 'no caches to select'}};
		case 'open': {
			if (state.focus === 'caches') {
				const cache = effectiveCache(state);
				return cache === null ? state : {...state, view: 'cache', cacheDetail: cache, selectedCache: cache};
			}
			const selected = effectiveSelection(state);
			return selected === null ? state : {...state, view: 'detail', detail: selected, detailTop: 0, selected};
		}
		case 'back':
			if (state.view === 'help') return {...state, view: state.helpReturn};
			if (state.view === 'detail' || state.view === 'cache') return {...state, view: 'main'};
			if (state.notice !== null) return {...state, notice: null};
			if (state.filter !== '') return {...state, filter: ''};
			if (state.focus === 'caches') return {...state, focus: 'plugins'};
			return state;
		case 'pause':
			if (!state.paused) return {...state, paused: true};
			return state.pending ? {...applySnapshot(state, state.pending, state.now), paused: false} : {...state, paused: false};
		case 'up':
		case 'down':
		case 'page-up':
		case 'page-down':
		case 'home':
		case 'end':
			return navigate(state, command, rows);
		default:
			// export, clear-cache, reset-metrics and quit are effects, run by the key handler.
			return state;
	}
}

function promptChanged(state: AppState, text: string): AppState {
	if (!state.prompt) return state;
	const prompt = {...state.prompt, text};
	if (prompt.kind === 'filter') {
		const next = {...state, prompt, filter: text};
		return {...next, selected: effectiveSelection(next), top: 0};
	}
	const names = visibleNames(state);
	const from = Math.max(0, indexOfName(names, state.selected));
	const match = nextMatch(names, text, from);
	return {...state, prompt, search: text, selected: match ?? state.selected};
}

function eventNotice(event: HostEvent): Notice | null {
	if (event.kind === 'metrics.reset') return {level: 'info', text: 'the host reset its metrics'};
	if (event.kind === 'cache.clear') {
		const entries = event.cleared.reduce((sum, cache) => sum + cache.entries, 0);
		return {level: 'info', text: `caches cleared on the host: ${event.cleared.map(cache => cache.name).join(', ') || 'none'} (${entries} entries)`};
	}
	return null;
}

/** The reducer. Pure: same state and action, same result. */
export function reducer(state: AppState, action: Action): AppState {
	switch (action.type) {
		case 'status':
			return {...state, connection: action.status, connectionAt: action.now, now: action.now};
		case 'snapshot':
			if (state.paused) return {...state, pending: action.snapshot};
			return applySnapshot(state, action.snapshot, action.now);
		case 'event': {
			const notice = eventNotice(action.event);
			return notice && !state.busy ? {...state, notice} : state;
		}
		case 'tick':
			return {...state, now: action.now};
		case 'command':
			return runCommand(state, action.command, action.rows);
		case 'prompt-text':
			return promptChanged(state, (state.prompt?.text ?? '') + action.text);
		case 'prompt-backspace':
			return promptChanged(state, (state.prompt?.text ?? '').slice(0, -1));
		case 'prompt-commit': {
			if (!state.prompt) return state;
			if (state.prompt.kind === 'search' && state.prompt.text !== '' && !visibleNames(state).some(name => name.toLowerCase().includes(state.prompt!.text.toLowerCase()))) {
				return {...state, prompt: null, notice: {level: 'info', text: `no plugin matches "${state.prompt.text}"`}};
			}
			return {...state, prompt: null};
		}
		case 'prompt-cancel':
			if (state.prompt?.kind === 'filter') return {...state, prompt: null, filter: ''};
			return {...state, prompt: null};
		case 'confirm-open':
			return {...state, confirm: action.confirm, notice: null};
		case 'confirm-close':
			return {...state, confirm: null};
		case 'busy':
			return {...state, busy: action.text};
		case 'notice':
			return {...state, notice: action.notice};
		case 'host-usage':
			return unresponsiveFor({...state, now: action.now}) === null ? state : {...state, hostUsage: action.usage, now: action.now};
	}
}
