/**
 * The detail view of one cache: size against its limits, TTL, hit ratio (since creation and recent) with its
 * trend, and every counter the host reports (lookups, stores, evictions, expirations, loads).
 */
import {Box, Text} from 'ink';
import type {CacheSummary} from '../../protocol/snapshot.js';
import {count, msWithUnit, padEnd, percent} from '../format.js';
import type {Ring} from '../state/ring.js';
import type {Theme} from '../theme.js';
import {Sparkline} from './Sparkline.js';

/** Props of CacheDetail. */
export interface CacheDetailProps {
	cache: CacheSummary;
	/** Hit ratio per snapshot, oldest first. */
	hitRatio: Ring | undefined;
	width: number;
	/** Lines available. */
	rows: number;
	theme: Theme;
}

/** The view's text lines after the title and the trend (label, value pairs joined per line). */
export function cacheDetailLines(cache: CacheSummary): string[] {
	const limit = [cache.max === null ? null : `max ${count(cache.max)} entries`, cache.maxSize === null ? null : `max size ${count(cache.maxSize)}`].filter(Boolean).join(', ');
	const window = cache.windowMs === undefined ? 'recent' : `last ${msWithUnit(cache.windowMs)}`;
	const optional = (value: number | undefined) => (value === undefined ? '-' : count(value));
	return [
		`size ${count(cache.size)} entries${cache.calculatedSize === null ? '' : ` (calculated size ${count(cache.calculatedSize)})`}${limit ? `  limit: ${limit}` : '  no entry limit'}`,
		`TTL ${cache.ttlMs === null ? 'none (entries never expire)' : msWithUnit(cache.ttlMs)}`,
		`hit ratio ${percent(cache.hitRatio)} since creation or reset, ${percent(cache.recentHitRatio)} ${window}`,
		`lookups: hits ${count(cache.hits)}  misses ${count(cache.misses)}  stale hits ${count(cache.staleHits)}`,
		`stores: sets ${count(cache.sets)} (new ${optional(cache.adds)}, same value ${optional(cache.updates)}, replaced ${optional(cache.replaces)}, refused ${optional(cache.rejectedSets)})`,
		`removals: evictions ${count(cache.evictions)}  expirations ${count(cache.expirations)}  deletes ${count(cache.deletes)}`,
		`loads: fetches ${count(cache.fetches)}  errors ${count(cache.fetchErrors)}  deduplicated ${count(cache.inflightDedups)}  in flight ${optional(cache.loading)}  mean ${cache.meanFetchMs === null ? '-' : msWithUnit(cache.meanFetchMs)}`,
		`tags in use ${optional(cache.tags)}`,
	];
}

/** Draws the view in `rows` lines. */
export function CacheDetail({cache, hitRatio, width, rows, theme}: CacheDetailProps) {
	const lines = cacheDetailLines(cache);
	const last = percent(cache.recentHitRatio ?? cache.hitRatio);
	const labelWidth = 14;
	const sparkWidth = Math.max(4, width - labelWidth - last.length - 2);
	return (
		<Box flexDirection="column" height={rows}>
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(`  Cache ${cache.name}  (Esc: back to the list, c: clear it)`, width)}
			</Text>
			<Box height={1}>
				<Text {...theme.text.label}>{padEnd('  hit ratio', labelWidth)}</Text>
				<Sparkline values={hitRatio?.values ?? []} width={sparkWidth} max={1} style={theme.sparkline} />
				<Text wrap="truncate-end"> {last}</Text>
			</Box>
			{lines.slice(0, Math.max(0, rows - 2)).map(line => (
				<Text key={line.slice(0, 12)} wrap="truncate-end">
					{`  ${line}`}
				</Text>
			))}
		</Box>
	);
}
