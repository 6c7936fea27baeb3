/**
 * Pure derivations for the plugin table: filtering, sorting, finding the selected row and the scroll window.
 */
import type {PluginSummary} from '../../protocol/snapshot.js';
import {columnById, type ColumnId} from '../columns.js';

/** How the table is ordered. */
export interface SortOrder {
	column: ColumnId;
	descending: boolean;
}

/** Whether a plugin's name contains `text` (case-insensitive); an empty text matches everything. */
export function nameMatches(name: string, text: string): boolean {
	return text === '' || name.toLowerCase().includes(text.toLowerCase());
}

/** The same order as String#localeCompare with the default locale, without building a collator per call. */
const collator = new Intl.Collator();

function compare(a: number | string | null, b: number | string | null): number {
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	return collator.compare(String(a), String(b));
}

/** Sorted lists per plugins array (one snapshot's), per sort and filter: the reducer and the screen share them. */
const sortedCache = new WeakMap<readonly PluginSummary[], Map<string, readonly PluginSummary[]>>();
/** At most this many sort/filter variants are kept per snapshot (typing a filter makes one per key). */
const VARIANTS = 8;

/**
 * The plugins to show: those whose name contains `filter`, sorted by `sort`. Missing values sort last in both
 * directions; ties are broken by name so the order is stable from one snapshot to the next. The result is
 * shared between callers for the same arguments: do not change it.
 */
export function visiblePlugins(plugins: readonly PluginSummary[], sort: SortOrder, filter: string): readonly PluginSummary[] {
	let variants = sortedCache.get(plugins);
	if (variants === undefined) {
		variants = new Map();
		sortedCache.set(plugins, variants);
	}
	const key = `${sort.column}\u0000${sort.descending}\u0000${filter}`;
	let sorted = variants.get(key);
	if (sorted === undefined) {
		if (variants.size >= VARIANTS) variants.clear();
		sorted = sortPlugins(plugins, sort, filter);
		variants.set(key, sorted);
	}
	return sorted;
}

const namesCache = new WeakMap<readonly PluginSummary[], readonly string[]>();

/** The names of `plugins` in order (cached per list). */
export function namesOf(plugins: readonly PluginSummary[]): readonly string[] {
	let names = namesCache.get(plugins);
	if (names === undefined) {
		names = plugins.map(plugin => plugin.name);
		namesCache.set(plugins, names);
	}
	return names;
}

function sortPlugins(plugins: readonly PluginSummary[], sort: SortOrder, filter: string): PluginSummary[] {
	const column = columnById(sort.column);
	const sign = sort.descending ? -1 : 1;
	const keyed = plugins
		.filter(plugin => nameMatches(plugin.name, filter))
		.map(plugin => ({plugin, key: column.value(plugin)}));
	keyed.sort((a, b) => {
		const aMissing = a.key === null || (typeof a.key === 'number' && Number.isNaN(a.key));
		const bMissing = b.key === null || (typeof b.key === 'number' && Number.isNaN(b.key));
		if (aMissing !== bMissing) return aMissing ? 1 : -1;
		const byKey = aMissing ? 0 : sign * compare(a.key, b.key);
		return byKey !== 0 ? byKey : collator.compare(a.plugin.name, b.plugin.name);
	});
	return keyed.map(entry => entry.plugin);
}

/** Index of the row named `name`, or 0 when it is not shown (or -1 for an empty list). */
export function indexOfName(names: readonly string[], name: string | null): number {
	if (names.length === 0) return -1;
	const index = name === null ? -1 : names.indexOf(name);
	return index === -1 ? 0 : index;
}

/**
 * The first row to draw so that row `selected` is visible in a window of `rows` rows, moving the previous top
 * (`top`) as little as possible, and never leaving empty rows at the bottom when there is more above.
 */
export function scrollTop(top: number, selected: number, rows: number, total: number): number {
	if (rows <= 0 || total <= rows) return 0;
	let next = Math.max(0, Math.min(top, total - rows));
	if (selected < next) next = selected;
	else if (selected >= next + rows) next = selected - rows + 1;
	return Math.max(0, next);
}

/** The first plugin after position `from` (wrapping around) whose name contains `text`, or null. */
export function nextMatch(names: readonly string[], text: string, from: number): string | null {
	if (text === '' || names.length === 0) return null;
	for (let step = 0; step < names.length; step++) {
		const name = names[(from + step + names.length) % names.length]!;
		if (nameMatches(name, text)) return name;
	}
	return null;
}
