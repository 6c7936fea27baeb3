/**
 * Benchmark harness shared by every section: collects rows and goals, prints them as a table and writes
 * them as JSON. Sections live in test/bench/<name>.ts and export `section: BenchSection`.
 */

export interface Row {
	section: string;
	name: string;
	/** Median over rounds. */
	value: number;
	unit: string;
	/** Ratio to the section's reference row, when meaningful. */
	ratio?: number | null;
	note?: string;
}

export interface Goal {
	id: string;
	section: string;
	measured: number;
	limit: number;
	/** 'max': holds when measured <= limit (default); 'min': holds when measured >= limit. */
	direction: 'max' | 'min';
	holds: boolean;
	unit?: string;
	note?: string;
}

export interface BenchContext {
	/** Rounds to take medians over (default 7, `--rounds N`). */
	rounds: number;
	/** Shorter runs (`--quick`), for smoke checks; numbers are less stable. */
	quick: boolean;
	row(row: Omit<Row, 'section'>): void;
	goal(goal: Omit<Goal, 'section' | 'holds' | 'direction'> & {direction?: 'max' | 'min'}): void;
	log(message: string): void;
}

export interface BenchSection {
	name: string;
	/** One line saying what the section measures. */
	description: string;
	run(context: BenchContext): Promise<void>;
}

export interface BenchReport {
	startedAt: string;
	node: string;
	cpus: number;
	rounds: number;
	rows: Row[];
	goals: Goal[];
}

/** Median of a list of numbers (NaN for an empty list). */
export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function createContext(section: string, report: BenchReport, options: {rounds: number; quick: boolean}): BenchContext {
	return {
		rounds: options.rounds,
		quick: options.quick,
		row(row) {
			const full = {section, ...row};
			report.rows.push(full);
			const ratio = row.ratio === undefined || row.ratio === null ? '' : `  x${row.ratio.toFixed(2)}`;
			console.log(`  ${row.name.padEnd(62)} ${format(row.value).padStart(12)} ${row.unit.padEnd(6)}${ratio}${row.note ? `  ${row.note}` : ''}`);
		},
		goal(goal) {
			const direction = goal.direction ?? 'max';
			const holds = direction === 'max' ? goal.measured <= goal.limit : goal.measured >= goal.limit;
			report.goals.push({...goal, section, direction, holds});
			const sign = direction === 'max' ? '<=' : '>=';
			console.log(`  GOAL ${goal.id.padEnd(32)} measured ${format(goal.measured)}${goal.unit ?? ''} ${sign} ${format(goal.limit)}${goal.unit ?? ''}  ${holds ? 'HOLDS' : 'FAILS'}${goal.note ? `  (${goal.note})` : ''}`);
		},
		log(message) {
			console.log(`  ${message}`);
		},
	};
}

function format(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 1) return value.toFixed(2);
	return value.toFixed(4);
}
