/** The help screen, generated from the keymap (so it always says what the keys really do). */
import {Box, Text} from 'ink';
import {helpEntries} from '../keymap.js';
import {padEnd} from '../format.js';
import type {Theme} from '../theme.js';

/** Props of HelpView. */
export interface HelpViewProps {
	readonly: boolean;
	width: number;
	/** Lines available. */
	height: number;
	theme: Theme;
}

/** Draws the key list, in two columns when it does not fit in one. */
export function HelpView({readonly, width, height, theme}: HelpViewProps) {
	const entries = helpEntries({readonly});
	const keysWidth = Math.max(...entries.map(entry => entry.keys.length)) + 2;
	const title = `perftop keys${readonly ? ' (read-only: clearing caches and resetting metrics are off)' : ''}  -  Esc or ? to go back`;
	const room = Math.max(1, height - 1);
	const columns = entries.length > room && width >= 120 ? 2 : 1;
	const perColumn = Math.ceil(entries.length / columns);
	const columnWidth = Math.floor(width / columns);
	const lines = [];
	for (let row = 0; row < Math.min(perColumn, room); row++) {
		const cells = [];
		for (let column = 0; column < columns; column++) {
			const entry = entries[column * perColumn + row];
			if (!entry) continue;
			cells.push(
				<Text key={column}>
					<Text {...theme.text.label}>{padEnd(entry.keys, keysWidth)}</Text>
					{padEnd(entry.description, columnWidth - keysWidth)}
				</Text>,
			);
		}
		lines.push(
			<Text key={row} wrap="truncate-end">
				{cells}
			</Text>,
		);
	}
	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(title, width)}
			</Text>
			{lines}
		</Box>
	);
}
