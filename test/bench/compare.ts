/**
 * `npm run bench -- --compare previous.json`: each goal's and row's change against an earlier `--json`
 * result. Pure functions: {@link compareReports} pairs the two reports, {@link formatComparison} prints the
 * pairing. Goals pair by id, rows by section and name (the n-th row of a name with the n-th); what only one
 * side has is listed apart. With `--only`, the earlier report is cut to the sections this run ran.
 */
import {format, type BenchReport, type Goal, type Row} from './harness.js';

/** How a goal ended in one run. */
export type GoalStatus = 'holds' | 'fails' | 'not valid' | 'not measured';

/** One goal in both runs. */
export interface GoalChange {
	id: string;
	section: string;
	unit: string;
	limit: number;
	direction: 'max' | 'min';
	/** The figure before and after; null where it was not measured. */
	before: number | null;
	after: number | null;
	/** (after - before) / |before| in per cent; null when either is missing or before is 0. */
	changePercent: number | null;
	statusBefore: GoalStatus;
	statusAfter: GoalStatus;
	/** Whether the goal went from holding to not holding (`'now fails'`) or back (`'now holds'`). */
	flipped: 'now holds' | 'now fails' | null;
	/** Whether the figure moved toward its limit (`'worse'`) or away from it; null when unchanged or unknown. */
	trend: 'better' | 'worse' | null;
}

/** One row in both runs. */
export interface RowChange {
	section: string;
	name: string;
	unit: string;
	before: number;
	after: number;
	/** (after - before) / |before| in per cent; null when before is 0 or either is not a finite number. */
	changePercent: number | null;
}

/** A goal or row found in one report only. */
export interface Unpaired {
	kind: 'goal' | 'row';
	section: string;
	/** The goal's id or the row's name. */
	name: string;
}

/** What {@link compareReports} returns. */
export interface Comparison {
	goals: GoalChange[];
	rows: RowChange[];
	/** In the earlier report only (dropped or renamed since). */
	onlyBefore: Unpaired[];
	/** In this report only (new, or renamed). */
	onlyAfter: Unpaired[];
	/** The sections compared. */
	sections: string[];
	/** Sections of this run that the earlier result does not cover at all (their goals and rows are in onlyAfter). */
	sectionsNotBefore: string[];
}

/** The sections a report covers: its own list, or those its rows and goals name. */
export function sectionsOf(report: Pick<BenchReport, 'sections' | 'rows' | 'goals'>): string[] {
	if (report.sections) return [...report.sections];
	const seen = new Set<string>();
	for (const item of [...report.rows, ...report.goals]) seen.add(item.section);
	return [...seen];
}

/**
 * Pairs the goals and rows of `after` with those of `before`, over the sections `after` covers (so an
 * `--only` run is compared with the same section of a full earlier run).
 */
export function compareReports(before: Pick<BenchReport, 'rows' | 'goals' | 'sections'>, after: Pick<BenchReport, 'rows' | 'goals' | 'sections'>): Comparison {
	const sections = sectionsOf(after);
	const covered = new Set(sections);
	const beforeGoals = new Map(before.goals.filter(goal => covered.has(goal.section)).map(goal => [goal.id, goal]));
	const goals: GoalChange[] = [];
	const onlyAfter: Unpaired[] = [];
	for (const goal of after.goals) {
		const earlier = beforeGoals.get(goal.id);
		if (!earlier) {
			onlyAfter.push({kind: 'goal', section: goal.section, name: goal.id});
			continue;
		}
		beforeGoals.delete(goal.id);
		goals.push(goalChange(earlier, goal));
	}
	const onlyBefore: Unpaired[] = [...beforeGoals.values()].map(goal => ({kind: 'goal', section: goal.section, name: goal.id}));

	const beforeRows = new Map(keyed(before.rows.filter(row => covered.has(row.section))));
	const rows: RowChange[] = [];
	for (const [key, row] of keyed(after.rows)) {
		const earlier = beforeRows.get(key);
		if (!earlier) {
			onlyAfter.push({kind: 'row', section: row.section, name: row.name});
			continue;
		}
		beforeRows.delete(key);
		rows.push({section: row.section, name: row.name, unit: row.unit, before: earlier.value, after: row.value, changePercent: percent(earlier.value, row.value)});
	}
	for (const row of beforeRows.values()) onlyBefore.push({kind: 'row', section: row.section, name: row.name});
	const earlierSections = new Set(sectionsOf(before));
	return {goals, rows, onlyBefore, onlyAfter, sections, sectionsNotBefore: sections.filter(section => !earlierSections.has(section))};
}

/** Rows keyed by section, name and occurrence (two rows of one name in a section pair in order). */
function keyed(rows: readonly Row[]): Array<[string, Row]> {
	const seen = new Map<string, number>();
	return rows.map(row => {
		const base = `${row.section}\u0000${row.name}`;
		const occurrence = seen.get(base) ?? 0;
		seen.set(base, occurrence + 1);
		return [`${base}\u0000${occurrence}`, row];
	});
}

/** How `goal` ended: the four outcomes of {@link GoalStatus}. */
export function goalStatus(goal: Pick<Goal, 'measured' | 'holds' | 'notValid'>): GoalStatus {
	if (goal.measured === null || goal.measured === undefined) return 'not measured';
	if (goal.notValid !== undefined) return 'not valid';
	return goal.holds ? 'holds' : 'fails';
}

function goalChange(before: Goal, after: Goal): GoalChange {
	const statusBefore = goalStatus(before);
	const statusAfter = goalStatus(after);
	const heldBefore = statusBefore === 'holds';
	const holdsAfter = statusAfter === 'holds';
	const direction = after.direction ?? 'max';
	const a = before.measured ?? null;
	const b = after.measured ?? null;
	let trend: GoalChange['trend'] = null;
	if (a !== null && b !== null && a !== b) trend = (b > a) === (direction === 'max') ? 'worse' : 'better';
	return {
		id: after.id,
		section: after.section,
		unit: after.unit ?? '',
		limit: after.limit,
		direction,
		before: a,
		after: b,
		changePercent: a === null || b === null ? null : percent(a, b),
		statusBefore,
		statusAfter,
		flipped: heldBefore === holdsAfter ? null : holdsAfter ? 'now holds' : 'now fails',
		trend,
	};
}

function percent(before: number, after: number): number | null {
	if (!Number.isFinite(before) || !Number.isFinite(after) || before === 0) return null;
	return ((after - before) / Math.abs(before)) * 100;
}

/** The comparison as printable lines: goals first (flips marked), then rows, then what only one side has. */
export function formatComparison(comparison: Comparison): string[] {
	const lines: string[] = [];
	if (comparison.sectionsNotBefore.length > 0) lines.push(`the earlier result has no section ${comparison.sectionsNotBefore.join(', ')}: nothing there to compare`);
	const figure = (value: number | null, unit: string): string => (value === null ? 'not measured' : `${format(value)}${unit}`);
	const change = (value: number | null): string => (value === null ? '' : `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`);
	lines.push('goals (before -> after, change, status):');
	for (const goal of comparison.goals) {
		const sign = goal.direction === 'max' ? '<=' : '>=';
		const status = goal.statusBefore === goal.statusAfter ? goal.statusAfter : `${goal.statusBefore} -> ${goal.statusAfter}`;
		const flag = goal.flipped === null ? '' : `  ${goal.flipped.toUpperCase()}`;
		const trend = goal.trend === null ? '' : ` (${goal.trend})`;
		lines.push(`  ${goal.id.padEnd(34)} ${figure(goal.before, goal.unit).padStart(14)} -> ${figure(goal.after, goal.unit).padEnd(14)} ${change(goal.changePercent).padStart(9)}${trend.padEnd(9)}  ${sign} ${format(goal.limit)}${goal.unit}  ${status}${flag}`);
	}
	lines.push('rows (before -> after, change):');
	for (const row of comparison.rows) {
		lines.push(`  [${row.section}] ${row.name.padEnd(62)} ${format(row.before).padStart(12)} -> ${format(row.after).padEnd(12)} ${row.unit.padEnd(6)} ${change(row.changePercent).padStart(9)}`);
	}
	const list = (items: Unpaired[]): string => items.map(item => `${item.kind} [${item.section}] ${item.name}`).join('\n    ');
	if (comparison.onlyBefore.length > 0) lines.push(`only in the earlier result:\n    ${list(comparison.onlyBefore)}`);
	if (comparison.onlyAfter.length > 0) lines.push(`only in this run:\n    ${list(comparison.onlyAfter)}`);
	const flips = comparison.goals.filter(goal => goal.flipped !== null);
	lines.push(flips.length === 0 ? 'no goal flipped' : `flipped: ${flips.map(goal => `${goal.id} ${goal.flipped}`).join(', ')}`);
	return lines;
}

/**
 * Reads an earlier `--json` result from its text; throws with a message that says what is wrong when it is
 * not one.
 */
export function parseReport(text: string): BenchReport {
	const value = JSON.parse(text) as Partial<BenchReport> | null;
	if (value === null || typeof value !== 'object' || !Array.isArray(value.rows) || !Array.isArray(value.goals)) {
		throw new Error('not a bench result: it has no rows and goals lists (write one with --json <file>)');
	}
	return value as BenchReport;
}
