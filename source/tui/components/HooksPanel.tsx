/**
 * The selected plugin's hooks under the plugin table, on terminals tall enough to have room for them (the
 * detail view's hooks table, without scrolling: the busiest hooks first), and in the rows the hooks leave,
 * the plugin's calls/s and p99 as charts side by side.
 */
import {Box, Text} from 'ink';
import type {PluginSummary} from '../../protocol/snapshot.js';
import {ms, padEnd, rate} from '../format.js';
import {hookTrend, type History} from '../state/history.js';
import type {Theme} from '../theme.js';
import {hookHeaderText, hookRowText, hookTrendWidth} from './PluginDetail.js';
import {Chart} from './Chart.js';
import {Sparkline} from './Sparkline.js';

/** Props of HooksPanel. */
export interface HooksPanelProps {
	/** The selected plugin, or null when the table is empty. */
	plugin: PluginSummary | null;
	history: History;
	/** Hook rows (the title not included). */
	rows: number;
	width: number;
	theme: Theme;
}

/** Draws the panel in rows + 1 lines. */
export function HooksPanel({plugin, history, rows, width, theme}: HooksPanelProps) {
	if (plugin === null) return <Box height={rows + 1} />;
	const hooks = [...plugin.hooks].sort((a, b) => b.totalMs - a.totalMs).slice(0, rows);
	const more = plugin.hooks.length > rows ? ` (busiest ${rows} of ${plugin.hooks.length}, Enter: all)` : '';
	const trendWidth = hookTrendWidth(width);
	// Rows left under the hooks (one blank line between): charts when there are at least 3.
	const chartRows = rows - Math.max(1, hooks.length) - 1;
	const trend = history.plugins[plugin.name];
	const half = Math.floor((width - 3) / 2);
	return (
		<Box flexDirection="column" height={rows + 1}>
			<Text wrap="truncate-end" {...theme.heading}>
				{padEnd(hookHeaderText(width, ` of ${plugin.name}${more}`), width)}
			</Text>
			{hooks.length === 0 ? (
				<Text {...theme.text.dim}>  no hook calls recorded for this plugin yet</Text>
			) : (
				hooks.map(hook => (
					<Box key={hook.op} height={1}>
						<Text wrap="truncate-end">{hookRowText(hook, width)}</Text>
						<Sparkline values={hookTrend(history, plugin.name, hook.op)?.p99.values ?? []} width={trendWidth} style={theme.sparkline} />
					</Box>
				))
			)}
			{chartRows >= 3 ? (
				<Box marginTop={1} height={chartRows}>
					<Box width={2} />
					<Chart title={`calls/s of ${plugin.name}: ${rate(plugin.recent.rate)}`} values={trend?.rate.values ?? []} width={half} height={chartRows - 1} style={theme.sparkline} titleStyle={theme.text.label} />
					<Box width={1} />
					<Chart title={`p99 ms of ${plugin.name}: ${ms(plugin.recent.p99Ms)}`} values={trend?.p99.values ?? []} width={half} height={chartRows - 1} style={theme.sparkline} titleStyle={theme.text.label} />
				</Box>
			) : null}
		</Box>
	);
}
