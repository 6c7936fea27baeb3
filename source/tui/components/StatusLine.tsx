/**
 * The status line: connection, host name and pid, age of the data, and the view's modes (paused, filter,
 * sort). When the line is too narrow the host part is shortened first: the filter text always stays readable.
 * While the host does not respond the line says so, with its CPU and RSS read from outside.
 */
import {Text} from 'ink';
import type {HostInfo} from '../../protocol/snapshot.js';
import {columnById} from '../columns.js';
import type {ConnectionStatus} from '../host-connection.js';
import {age, padEnd} from '../format.js';
import type {HostUsage} from '../state/reducer.js';
import type {SortOrder} from '../state/rows.js';
import type {Style, Theme} from '../theme.js';

/** Props of StatusLine. */
export interface StatusLineProps {
	connection: ConnectionStatus;
	/** When the connection status last changed (client clock). */
	connectionAt: number;
	host: HostInfo | null;
	receivedAt: number | null;
	now: number;
	paused: boolean;
	sort: SortOrder;
	filter: string;
	readonly: boolean;
	hostReadonly: boolean;
	socket: string;
	width: number;
	theme: Theme;
	/** How long the connected host has sent nothing, when that is too long (ms); null while it responds. */
	unresponsiveMs?: number | null;
	/** The host process read from outside while it does not respond. */
	hostUsage?: HostUsage | null;
}

/** A byte count for a sentence: `512 B`, `12.3 MB`, `1.2 GB` (powers of 1024). */
export function sizeWords(value: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB'];
	let scaled = value;
	let unit = 0;
	while (scaled >= 1024 && unit < units.length - 1) {
		scaled /= 1024;
		unit++;
	}
	return `${unit === 0 ? scaled : scaled.toFixed(scaled >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** What the status line says about a host that does not respond: for how long and what it is doing. */
export function unresponsiveText(silentMs: number, usage: HostUsage | null, pid: number | null): string {
	const head = `host not responding for ${Math.floor(silentMs / 1000)} s`;
	if (usage === null) return `${head}: reading its CPU and RSS...`;
	if (usage.state === 'remote') return `${head} (on another machine: no CPU/RSS)`;
	if (usage.state === 'gone') return `${head}: no process ${pid ?? ''} on this machine any more`;
	return `${head}: CPU ${usage.cpuPercent === null ? '...' : `${Math.round(usage.cpuPercent)} %`}, RSS ${usage.rss === null ? '-' : sizeWords(usage.rss)}`;
}

/** The connection part of the status line, and its style token. */
export function connectionText(connection: ConnectionStatus, connectionAt: number, now: number, socket: string): {text: string; tone: keyof Theme['status']} {
	switch (connection.state) {
		case 'connecting':
			return {text: `connecting to ${socket}...`, tone: 'info'};
		case 'connected':
			return {text: 'connected', tone: 'ok'};
		case 'disconnected': {
			const seconds = Math.max(0, Math.ceil((connection.retryInMs - (now - connectionAt)) / 1000));
			return {text: `disconnected, retrying in ${seconds}s (${connection.error})`, tone: 'error'};
		}
		case 'incompatible':
			return {text: 'incompatible host', tone: 'error'};
		case 'closed':
			return {text: 'connection closed', tone: 'warn'};
	}
}

/** Draws the status line. */
export function StatusLine(props: StatusLineProps) {
	const {connection, connectionAt, host, receivedAt, now, paused, sort, filter, readonly, hostReadonly, socket, width, theme} = props;
	const unresponsiveMs = props.unresponsiveMs ?? null;
	const state =
		unresponsiveMs === null ? connectionText(connection, connectionAt, now, socket) : {text: unresponsiveText(unresponsiveMs, props.hostUsage ?? null, host?.pid ?? null), tone: 'error' as const};
	const modes = [
		filter === '' ? '' : `filter "${filter}"`,
		`sort ${columnById(sort.column).title} ${sort.descending ? 'desc' : 'asc'}`,
		readonly ? 'read-only' : hostReadonly ? 'host read-only' : '',
	]
		.filter(Boolean)
		.join(' | ');
	const pausedText = paused ? ' PAUSED ' : '';
	// The host part, longest first; the first that leaves room for the modes is drawn.
	const hostTexts = !host
		? ['']
		: unresponsiveMs === null
			? [` ${host.name} pid ${host.pid}@${host.hostname}`, ` ${host.name} pid ${host.pid}`, ` ${host.name}`, '']
			: [` (${host.name} pid ${host.pid})`, ''];
	const ageTexts = receivedAt === null || unresponsiveMs !== null ? [''] : [` updated ${age(now - receivedAt)} ago`, ` ${age(now - receivedAt)} ago`, ''];
	const room = width - modes.length - 2 - pausedText.length - (pausedText ? 1 : 0);
	let hostText = hostTexts.at(-1)!;
	let ageText = ageTexts.at(-1)!;
	search: for (const candidateHost of hostTexts) {
		for (const candidateAge of ageTexts) {
			if (state.text.length + candidateHost.length + candidateAge.length <= room) {
				hostText = candidateHost;
				ageText = candidateAge;
				break search;
			}
		}
	}
	// What is left too long is the connection text itself: cut it, never the modes.
	const lead = padEnd(state.text, Math.min(state.text.length, Math.max(10, room - hostText.length - ageText.length)));
	const used = lead.length + hostText.length + ageText.length + pausedText.length + (pausedText ? 1 : 0);
	const rest = padEnd(`  ${modes}`, Math.max(0, width - used));
	const tone: Style = theme.status[state.tone];
	return (
		<Text wrap="truncate-end">
			<Text {...tone}>{lead}</Text>
			<Text {...theme.text.emphasis}>{hostText}</Text>
			<Text {...theme.text.dim}>{ageText}</Text>
			{pausedText ? ' ' : ''}
			<Text {...theme.status.paused}>{pausedText}</Text>
			<Text {...theme.text.dim}>{rest}</Text>
		</Text>
	);
}
