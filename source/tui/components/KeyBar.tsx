/** The key bar at the bottom, generated from the keymap; a prompt or question replaces it while one is open. */
import {Text} from 'ink';
import {memo} from 'react';
import {keyBarEntries, type KeyScope} from '../keymap.js';
import {padEnd} from '../format.js';
import type {Theme} from '../theme.js';

/** Props of KeyBar. */
export interface KeyBarProps {
	scope: KeyScope;
	readonly: boolean;
	width: number;
	theme: Theme;
}

/** Draws `key label` pairs that fit in `width` (memoised: its props change only with the view or the size). */
export const KeyBar = memo(function KeyBar({scope, readonly, width, theme}: KeyBarProps) {
	const entries = keyBarEntries(scope, {readonly, width});
	const parts = [];
	let used = 0;
	for (const entry of entries) {
		const size = entry.key.length + entry.label.length + 1;
		if (used + size > width) break;
		used += size;
		parts.push(
			<Text key={entry.label}>
				<Text {...theme.keybar.key}>{entry.key}</Text>
				<Text {...theme.keybar.label}>{entry.label} </Text>
			</Text>,
		);
	}
	return (
		<Text wrap="truncate-end">
			{parts}
		</Text>
	);
});

/** Props of PromptLine. */
export interface PromptLineProps {
	text: string;
	tone: 'prompt' | 'question';
	width: number;
	theme: Theme;
}

/** A prompt (search/filter input) or a question (confirm) in the key bar's place. */
export function PromptLine({text, tone, width, theme}: PromptLineProps) {
	return (
		<Text wrap="truncate-end" {...(tone === 'question' ? theme.status.warn : theme.text.emphasis)}>
			{padEnd(text, width)}
		</Text>
	);
}
