/**
 * The alerts panel: active alerts, newest first, each with how long it has been active. A message wider than
 * the screen continues on a second line when the panel has room for it, and is cut (with `~`) only after that,
 * so the subject, the age and the start of the message are always readable.
 */
import {Box, Text} from 'ink';
import type {AlertData} from '../../protocol/snapshot.js';
import {age, padEnd} from '../format.js';
import type {Theme} from '../theme.js';

/** Props of AlertsPanel. */
export interface AlertsPanelProps {
	alerts: readonly AlertData[] | null;
	/** Lines for the alerts (the title not included). */
	rows: number;
	width: number;
	/** Host clock of the snapshot, for "active for". */
	at: number;
	theme: Theme;
}

/** Indent of an alert's second line. */
const CONTINUATION = '    ';

/** One alert as text: age first, so a cut never hides it. */
export function alertText(alert: AlertData, at: number): string {
	const text = alert.message.includes(alert.subject) ? alert.message : `${alert.subject}: ${alert.message}`;
	return `! [${age(at - alert.since)}] ${text}`;
}

/** Lines an alert takes at `width` when it may wrap once: 1 or 2. */
export function alertLineCount(text: string, width: number): number {
	return text.length > width ? 2 : 1;
}

/** The alert's text in at most `lines` lines of `width` columns (the second indented, cut with `~`). */
export function wrapAlert(text: string, width: number, lines: number): string[] {
	if (text.length <= width || lines <= 1) return [padEnd(text, width)];
	let cut = text.lastIndexOf(' ', width);
	if (cut < width / 2) cut = width;
	return [padEnd(text.slice(0, cut), width), padEnd(CONTINUATION + text.slice(cut).trimStart(), width)];
}

/** The alerts newest first. */
export function newestFirst(alerts: readonly AlertData[]): AlertData[] {
	return [...alerts].sort((a, b) => b.since - a.since);
}

/** Draws the panel in rows + 1 lines. */
export function AlertsPanel({alerts, rows, width, at, theme}: AlertsPanelProps) {
	if (alerts === null) {
		return <Text {...theme.text.dim}>{padEnd('Alerts: waiting for data', width)}</Text>;
	}
	if (alerts.length === 0) {
		return <Text {...theme.text.dim}>{padEnd('Alerts: none active', width)}</Text>;
	}
	const lines: Array<{key: string; text: string}> = [];
	let shown = 0;
	for (const alert of newestFirst(alerts)) {
		const left = rows - lines.length;
		if (left <= 0) break;
		// Wrap only when the alerts after this one still get a line each.
		const later = alerts.length - shown - 1;
		for (const [part, text] of wrapAlert(alertText(alert, at), width, left - later >= 2 ? 2 : 1).entries()) lines.push({key: `${alert.id}/${part}`, text});
		shown++;
	}
	const more = alerts.length > shown ? `, ${alerts.length - shown} more not shown` : '';
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(`  ALERTS (${alerts.length} active${more})`, width)}
			</Text>
			{lines.map(line => (
				<Text key={line.key} wrap="truncate-end" {...theme.alert}>
					{line.text}
				</Text>
			))}
		</Box>
	);
}
