/** The alerts panel: active alerts, newest first, with how long each has been active. */
import {Box, Text} from 'ink';
import type {AlertData} from '../../protocol/snapshot.js';
import {age, padEnd} from '../format.js';
import type {Theme} from '../theme.js';

/** Props of AlertsPanel. */
export interface AlertsPanelProps {
	alerts: readonly AlertData[] | null;
	rows: number;
	width: number;
	/** Host clock of the snapshot, for "active for". */
	at: number;
	theme: Theme;
}

/** One alert as text. */
export function alertText(alert: AlertData, at: number): string {
	const text = alert.message.includes(alert.subject) ? alert.message : `${alert.subject}: ${alert.message}`;
	return `! ${text} (for ${age(at - alert.since)})`;
}

/** Draws the panel in rows + 1 lines. */
export function AlertsPanel({alerts, rows, width, at, theme}: AlertsPanelProps) {
	if (alerts === null) {
		return <Text {...theme.text.dim}>{padEnd('Alerts: waiting for data', width)}</Text>;
	}
	if (alerts.length === 0) {
		return <Text {...theme.text.dim}>{padEnd('Alerts: none active', width)}</Text>;
	}
	const newest = [...alerts].sort((a, b) => b.since - a.since).slice(0, rows);
	const more = alerts.length > rows ? `, ${alerts.length - rows} more not shown` : '';
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(`  ALERTS (${alerts.length} active${more})`, width)}
			</Text>
			{newest.map(alert => (
				<Text key={alert.id} wrap="truncate-end" {...theme.alert}>
					{padEnd(alertText(alert, at), width)}
				</Text>
			))}
		</Box>
	);
}
