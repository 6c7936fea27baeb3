/** The status line: connection, host name and pid, age of the data, and the view's modes (paused, sort, filter). */
import {Text} from 'ink';
import type {HostInfo} from '../../protocol/snapshot.js';
import {columnById} from '../columns.js';
import type {ConnectionStatus} from '../host-connection.js';
import {age, padEnd} from '../format.js';
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
	const state = connectionText(connection, connectionAt, now, socket);
	const hostText = host ? ` ${host.name} pid ${host.pid}@${host.hostname}` : '';
	const ageText = receivedAt === null ? '' : ` updated ${age(now - receivedAt)} ago`;
	const modes = [
		`sort ${columnById(sort.column).title} ${sort.descending ? 'desc' : 'asc'}`,
		filter === '' ? '' : `filter "${filter}"`,
		readonly ? 'read-only' : hostReadonly ? 'host read-only' : '',
	]
		.filter(Boolean)
		.join(' | ');
	const pausedText = paused ? ' PAUSED ' : '';
	const used = state.text.length + hostText.length + ageText.length + pausedText.length + 2;
	const rest = padEnd(`  ${modes}`, Math.max(0, width - used));
	const tone: Style = theme.status[state.tone];
	return (
		<Text wrap="truncate-end">
			<Text {...tone}>{state.text}</Text>
			<Text {...theme.text.emphasis}>{hostText}</Text>
			<Text {...theme.text.dim}>{ageText}</Text>
			{pausedText ? ' ' : ''}
			<Text {...theme.status.paused}>{pausedText}</Text>
			<Text {...theme.text.dim}>{rest}</Text>
		</Text>
	);
}
