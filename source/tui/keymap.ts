/**
 * The keymap as data: one table drives the key handler, the key bar and the help screen.
 * Ink cannot see F-keys, so every action has a letter (htop's letters where htop has one).
 */
import type {Key} from 'ink';

/** What a key asks the app to do. */
export type Command =
	| 'help'
	| 'sort-prev'
	| 'sort-next'
	| 'sort-invert'
	| 'search'
	| 'filter'
	| 'up'
	| 'down'
	| 'page-up'
	| 'page-down'
	| 'home'
	| 'end'
	| 'focus'
	| 'open'
	| 'back'
	| 'pause'
	| 'export'
	| 'clear-cache'
	| 'reset-metrics'
	| 'quit';

/** A special (non-printing) key Ink reports as a flag. */
export type SpecialKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

/** One key: a printable character, a special key, or Ctrl plus a letter. */
export type KeySpec = {char: string} | {special: SpecialKey} | {ctrl: string};

/** Where a binding applies. */
export type KeyScope = 'main' | 'detail' | 'cache' | 'help';

/** One row of the keymap. */
export interface Binding {
	command: Command;
	keys: KeySpec[];
	/** What the help screen says. */
	description: string;
	/** Short label for the key bar; bindings without one are only in the help screen. */
	bar?: string;
	/** Shown in the key bar only when every entry fits (wide terminals). */
	barOptional?: boolean;
	scopes: KeyScope[];
	/** Changes the host's state; absent with --readonly. */
	destructive?: boolean;
}

const everywhere: KeyScope[] = ['main', 'detail', 'cache', 'help'];
const lists: KeyScope[] = ['main', 'detail', 'cache'];

/** The keymap. Order is the order of the key bar and the help screen. */
export const KEYMAP: readonly Binding[] = [
	{command: 'help', keys: [{char: '?'}, {char: 'h'}], description: 'show or hide this help', bar: 'Help', scopes: everywhere},
	{command: 'search', keys: [{char: '/'}], description: 'search plugins by name (jumps to the next match)', bar: 'Search', scopes: ['main']},
	{command: 'filter', keys: [{char: '\\'}], description: 'filter plugins by name (hides the others)', bar: 'Filter', scopes: ['main']},
	{command: 'sort-prev', keys: [{char: '<'}, {char: ','}], description: 'sort by the column to the left', bar: 'Sort', scopes: ['main']},
	{command: 'sort-next', keys: [{char: '>'}, {char: '.'}], description: 'sort by the column to the right', scopes: ['main']},
	{command: 'sort-invert', keys: [{char: 'I'}], description: 'invert the sort order', bar: 'Invert', barOptional: true, scopes: ['main']},
	{command: 'open', keys: [{special: 'return'}], description: "open the selected plugin's or cache's detail view", bar: 'Detail', scopes: ['main']},
	{command: 'back', keys: [{special: 'escape'}], description: 'back to the list; clears an active filter', bar: 'Back', barOptional: true, scopes: everywhere},
	{command: 'focus', keys: [{special: 'tab'}], description: 'move the selection between plugins and caches', bar: 'Panel', barOptional: true, scopes: ['main']},
	{command: 'up', keys: [{special: 'upArrow'}, {char: 'k'}], description: 'select the row above', scopes: lists},
	{command: 'down', keys: [{special: 'downArrow'}, {char: 'j'}], description: 'select the row below', scopes: lists},
	{command: 'page-up', keys: [{special: 'pageUp'}], description: 'one page up', scopes: lists},
	{command: 'page-down', keys: [{special: 'pageDown'}], description: 'one page down', scopes: lists},
	{command: 'home', keys: [{special: 'home'}], description: 'first row', scopes: lists},
	{command: 'end', keys: [{special: 'end'}], description: 'last row', scopes: lists},
	{command: 'pause', keys: [{char: 'Z'}, {char: 'z'}], description: 'pause or resume the display (data keeps arriving)', bar: 'Pause', scopes: lists},
	{command: 'export', keys: [{char: 'e'}], description: 'export all metrics from the host to a file', bar: 'Export', scopes: lists},
	{command: 'clear-cache', keys: [{char: 'c'}], description: 'clear the selected cache or all caches (asks first)', bar: 'Clear', scopes: lists, destructive: true},
	{command: 'reset-metrics', keys: [{char: 'r'}], description: "reset the host's metrics (asks first)", bar: 'Reset', scopes: lists, destructive: true},
	{command: 'quit', keys: [{char: 'q'}, {ctrl: 'c'}], description: 'quit', bar: 'Quit', scopes: everywhere},
];

/** The bindings in force: without the destructive ones when read-only. */
export function activeBindings(options: {readonly: boolean}): Binding[] {
	return KEYMAP.filter(binding => !(options.readonly && binding.destructive));
}

const SPECIAL_LABELS: Record<SpecialKey, string> = {
	upArrow: 'Up',
	downArrow: 'Down',
	pageUp: 'PgUp',
	pageDown: 'PgDn',
	home: 'Home',
	end: 'End',
	return: 'Enter',
	escape: 'Esc',
	tab: 'Tab',
};

/** How a key is written on screen: `q`, `Enter`, `Ctrl-C`. */
export function keyLabel(spec: KeySpec): string {
	if ('char' in spec) return spec.char;
	if ('special' in spec) return SPECIAL_LABELS[spec.special];
	return `Ctrl-${spec.ctrl.toUpperCase()}`;
}

/** Whether Ink's (input, key) pair is this key. */
export function matches(spec: KeySpec, input: string, key: Key): boolean {
	if ('ctrl' in spec) return key.ctrl && input === spec.ctrl;
	if ('special' in spec) return key[spec.special] === true;
	return !key.ctrl && !key.meta && input === spec.char;
}

/** The command bound to (input, key) in `scope`, or null. */
export function resolveKey(input: string, key: Key, scope: KeyScope, options: {readonly: boolean}): Command | null {
	for (const binding of activeBindings(options)) {
		if (!binding.scopes.includes(scope)) continue;
		if (binding.keys.some(spec => matches(spec, input, key))) return binding.command;
	}
	return null;
}

/**
 * The key bar's entries for a scope (first key label and short name) that fit in `width` columns, each entry
 * taking its key, its label and one space: all of them when they fit, else the essential ones.
 */
export function keyBarEntries(scope: KeyScope, options: {readonly: boolean; width?: number}): Array<{key: string; label: string}> {
	const all = activeBindings(options).filter(binding => binding.bar !== undefined && binding.scopes.includes(scope));
	const size = (list: Binding[]) => list.reduce((sum, binding) => sum + keyLabel(binding.keys[0]!).length + binding.bar!.length + 1, 0);
	const chosen = options.width === undefined || size(all) <= options.width ? all : all.filter(binding => !binding.barOptional);
	return chosen.map(binding => ({key: keyLabel(binding.keys[0]!), label: binding.bar!}));
}

/** The help screen's lines: every key of a binding, and its description. */
export function helpEntries(options: {readonly: boolean}): Array<{keys: string; description: string}> {
	return activeBindings(options).map(binding => ({keys: binding.keys.map(keyLabel).join(' '), description: binding.description}));
}
