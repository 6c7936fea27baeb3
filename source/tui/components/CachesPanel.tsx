/** The caches panel: one line per cache (size/max, hit ratio, hits, misses, evictions, expirations, ttl). */
import {Box, Text} from 'ink';
import type {CacheSummary} from '../../protocol/snapshot.js';
import {count, ms, padEnd, padStart, percent} from '../format.js';
import type {Theme} from '../theme.js';

/** Props of CachesPanel. */
export interface CachesPanelProps {
	/** null: the host has no cache support; []: none registered. */
	caches: readonly CacheSummary[] | null;
	hasSnapshot: boolean;
	selected: string | null;
	top: number;
	rows: number;
	width: number;
	focused: boolean;
	theme: Theme;
}

const FIXED = [
	{title: 'SIZE/MAX', width: 13},
	{title: 'HIT%', width: 5},
	{title: 'HITS', width: 7},
	{title: 'MISSES', width: 7},
	{title: 'EVICT', width: 7},
	{title: 'EXPIRE', width: 7},
	{title: 'TTL', width: 6},
];

function nameWidth(width: number): number {
	return Math.max(12, Math.min(40, width - 2 - FIXED.reduce((sum, column) => sum + column.width + 1, 0) - 1));
}

/** One cache's line as plain text (without the selection marker). */
export function cacheRowText(cache: CacheSummary, width: number): string {
	const size = cache.max === null ? count(cache.size) : `${count(cache.size)}/${count(cache.max)}`;
	const cells = [size, percent(cache.hitRatio), count(cache.hits), count(cache.misses), count(cache.evictions), count(cache.expirations), cache.ttlMs === null ? '-' : ms(cache.ttlMs)];
	return `${padEnd(cache.name, nameWidth(width))} ${cells.map((text, index) => padStart(text, FIXED[index]!.width)).join(' ')}`;
}

/** Draws the panel in rows + 1 lines. */
export function CachesPanel({caches, hasSnapshot, selected, top, rows, width, focused, theme}: CachesPanelProps) {
	if (!hasSnapshot || caches === null || caches.length === 0) {
		const text = !hasSnapshot ? 'Caches: waiting for data' : caches === null ? 'Caches: this host reports no caches' : 'Caches: none registered';
		return (
			<Text wrap="truncate-end" {...theme.text.dim}>
				{padEnd(text, width)}
			</Text>
		);
	}
	const first = Math.max(0, Math.min(top, caches.length - rows));
	const shown = caches.slice(first, first + rows);
	const more = caches.length > rows ? ` (${first + 1}-${first + shown.length} of ${caches.length})` : '';
	const title = `  ${padEnd(`CACHE${more}`, nameWidth(width))} ${FIXED.map(column => padStart(column.title, column.width)).join(' ')}`;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(title, width)}
			</Text>
			{shown.map(cache => {
				const isSelected = focused && cache.name === selected;
				return (
					<Text key={cache.name} wrap="truncate-end" {...(isSelected ? theme.selected : theme.text.normal)}>
						{isSelected ? '> ' : '  '}
						{padEnd(cacheRowText(cache, width), width - 2)}
					</Text>
				);
			})}
		</Box>
	);
}
