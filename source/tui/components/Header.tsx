/**
 * The header of meters: the machine on the left (CPU, per-core CPU, memory, swap, load, disks) and the host
 * process on the right (RSS against its budget, heap, event-loop delay, utilisation), with sparklines.
 * Sections the host has not sampled yet say so instead of showing zeros.
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {ProcessSection, Snapshot, SystemSection} from '../../protocol/snapshot.js';
import {bytes, msWithUnit, padEnd, percent} from '../format.js';
import type {HeaderPlan} from '../layout.js';
import {CORE_METER_WIDTH} from '../layout.js';
import type {History} from '../state/history.js';
import type {Theme} from '../theme.js';
import {Meter} from './Meter.js';
import {Sparkline} from './Sparkline.js';

/** Props of Header. */
export interface HeaderProps {
	snapshot: Snapshot | null;
	history: History;
	plan: HeaderPlan;
	theme: Theme;
}

/** A meter and its sparkline, side by side in the header's column (a row Box). */
function withSpark(meter: ReactNode, values: ArrayLike<number>, sparkWidth: number, theme: Theme, max?: number): ReactNode {
	if (sparkWidth <= 0) return meter;
	return (
		<>
			{meter}
			<Text> </Text>
			<Sparkline values={values} width={sparkWidth} max={max} style={theme.sparkline} />
		</>
	);
}

/** Sparkline width in a meter column `width` wide: a quarter of it, a third on wide terminals. */
function sparkWidth(width: number): number {
	return width >= 80 ? Math.floor(width / 3) : Math.min(24, Math.floor(width / 4));
}

function systemLines(system: SystemSection | null, history: History, plan: HeaderPlan, theme: Theme): ReactNode[] {
	const width = plan.columnWidth;
	const spark = sparkWidth(width);
	const meterWidth = width - (spark > 0 ? spark + 1 : 0);
	if (system === null) {
		return [<Text {...theme.text.dim}>{padEnd('System: not sampled yet', width)}</Text>];
	}
	const lines: ReactNode[] = [];
	const cpu = system.cpu;
	lines.push(
		cpu
			? withSpark(<Meter label="CPU" ratio={cpu.totalPercent / 100} text={percent(cpu.totalPercent / 100)} width={meterWidth} theme={theme} />, history.cpu.values, spark, theme, 100)
			: <Meter label="CPU" ratio={null} text="not sampled" width={width} theme={theme} />,
	);
	if (cpu && plan.coreLines > 0) {
		for (let line = 0; line < plan.coreLines; line++) {
			const cores = cpu.coresPercent.slice(line * plan.coresPerLine, (line + 1) * plan.coresPerLine);
			const first = line * plan.coresPerLine;
			const more = line === plan.coreLines - 1 && plan.hiddenCores > 0 ? ` +${plan.hiddenCores}` : '';
			lines.push(
				<Text>
					{cores.map((value, index) => (
						<Text key={index}>
							<Meter label={String(first + index)} labelWidth={3} ratio={value / 100} text={percent(value / 100)} width={CORE_METER_WIDTH - 1} theme={theme} />{' '}
						</Text>
					))}
					<Text {...theme.text.dim}>{more}</Text>
				</Text>,
			);
		}
	}
	const memory = system.memory;
	lines.push(
		memory
			? withSpark(<Meter label="Mem" ratio={memory.used / Math.max(1, memory.total)} text={`${bytes(memory.used)}/${bytes(memory.total)}`} width={meterWidth} theme={theme} />, history.memory.values, spark, theme, 1)
			: <Meter label="Mem" ratio={null} text="not sampled" width={width} theme={theme} />,
	);
	const swap = system.swap;
	lines.push(
		swap && swap.total > 0
			? <Meter label="Swp" ratio={swap.used / swap.total} text={`${bytes(swap.used)}/${bytes(swap.total)}`} width={meterWidth} theme={theme} />
			: <Meter label="Swp" ratio={null} text={swap ? 'none' : 'not sampled'} width={meterWidth} theme={theme} />,
	);
	const load = system.load ? system.load.map(value => value.toFixed(2)).join(' ') : 'not sampled';
	const disks = system.disks;
	let diskText = '';
	if (disks === null) diskText = 'Disk: not sampled';
	else if (plan.diskLines === 0 && disks.length > 0) {
		diskText = `Disk ${disks
			.slice(0, 3)
			.map(disk => `${disk.mount} ${percent(disk.used / Math.max(1, disk.size))}`)
			.join(' ')}`;
	}
	lines.push(
		<Text wrap="truncate-end">
			<Text {...theme.text.label}>Load</Text> {load} <Text {...theme.text.dim}>{diskText}</Text>
		</Text>,
	);
	for (const disk of (disks ?? []).slice(0, plan.diskLines)) {
		lines.push(
			<Meter label={disk.mount} labelWidth={Math.min(12, Math.max(4, disk.mount.length + 1))} ratio={disk.used / Math.max(1, disk.size)} text={`${bytes(disk.used)}/${bytes(disk.size)}`} width={width} theme={theme} />,
		);
	}
	return lines;
}

function processLines(proc: ProcessSection | null, history: History, plan: HeaderPlan, theme: Theme): ReactNode[] {
	const width = plan.columnWidth;
	const spark = sparkWidth(width);
	const meterWidth = width - (spark > 0 ? spark + 1 : 0);
	if (proc === null) return [<Text {...theme.text.dim}>{padEnd('Host process: not sampled yet', width)}</Text>];
	const budget = proc.budgetRss;
	const rssRatio = budget ? proc.rss / budget : null;
	const rssText = budget ? `${bytes(proc.rss)}/${bytes(budget)} budget` : `${bytes(proc.rss)} baseline pending`;
	const loop = proc.eventLoop;
	const loopRatio = loop ? Math.min(1, loop.p99Ms / 100) : null;
	return [
		withSpark(<Meter label="RSS" ratio={rssRatio} text={rssText} width={meterWidth} theme={theme} style={rssRatio !== null && rssRatio >= 1 ? theme.meter.high : undefined} />, history.rss.values, spark, theme, budget ?? undefined),
		withSpark(<Meter label="Heap" ratio={proc.heapUsed / Math.max(1, proc.heapTotal)} text={`${bytes(proc.heapUsed)}/${bytes(proc.heapTotal)}`} width={meterWidth} theme={theme} />, history.heap.values, spark, theme, proc.heapTotal),
		withSpark(
			<Meter label="Loop" ratio={loopRatio} text={loop ? `p99 ${msWithUnit(loop.p99Ms)} max ${msWithUnit(loop.maxMs)}` : 'not sampled'} width={meterWidth} theme={theme} />,
			history.loopP99.values,
			spark,
			theme,
		),
		withSpark(
			<Meter label="ELU" ratio={loop ? loop.utilization : null} text={`${loop ? percent(loop.utilization) : '-'} cpu ${proc.cpuPercent === null ? '-' : percent(proc.cpuPercent / 100)}`} width={meterWidth} theme={theme} />,
			history.elu.values,
			spark,
			theme,
			1,
		),
	];
}

/** Draws the header in `plan.lines` lines. */
export function Header({snapshot, history, plan, theme}: HeaderProps) {
	const left = systemLines(snapshot?.system ?? null, history, plan, theme);
	const right = processLines(snapshot?.process ?? null, history, plan, theme);
	const rows: ReactNode[] = [];
	for (let index = 0; index < plan.lines; index++) {
		rows.push(
			<Box key={index} height={1}>
				<Box width={plan.columnWidth}>{left[index] ?? <Text> </Text>}</Box>
				<Box width={1} />
				<Box width={plan.columnWidth}>{right[index] ?? <Text> </Text>}</Box>
			</Box>,
		);
	}
	return <Box flexDirection="column">{rows}</Box>;
}
