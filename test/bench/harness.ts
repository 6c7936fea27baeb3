/**
 * Benchmark harness shared by every section: collects rows and goals, prints them as a table and writes
 * them as JSON. Sections live in test/bench/<name>.ts and export `section: BenchSection`.
 *
 * A goal either holds, fails, or was not measured. A goal that was not measured (a tool missing, a section
 * that threw, a figure that came out NaN) counts as not holding: a run in which a goal vanished must not
 * read as a run in which every goal holds. Sections list their goals up front ({@link BenchSection.goals}),
 * so that the harness can report any of them the section never reached.
 */

/** One measured figure that is not a goal: a reference, a breakdown, or a regression guard. */
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

/** A figure with a limit, as reported by {@link BenchContext.goal} or {@link BenchContext.notMeasured}. */
export interface Goal {
	id: string;
	section: string;
	/** The measured figure, or null when the goal was not measured (see {@link Goal.notMeasured}). */
	measured: number | null;
	limit: number;
	/** 'max': holds when measured <= limit (default); 'min': holds when measured >= limit. */
	direction: 'max' | 'min';
	/** True only when the goal was measured and is within its limit. */
	holds: boolean;
	/** Why the goal was not measured; present only then. */
	notMeasured?: string;
	/**
	 * Why the measurement does not count (e.g. the load generator was saturated, so the figure says more about
	 * the bench than about perftop); present only then. A goal with a figure that is not valid does not hold.
	 */
	notValid?: string;
	unit?: string;
	note?: string;
}

/** A goal a section promises to report: its id, limit and unit, known before anything is measured. */
export interface GoalSpec {
	id: string;
	limit: number;
	/** See {@link Goal.direction}; default 'max'. */
	direction?: 'max' | 'min';
	/** Printed after the figures, e.g. ' ms' or 'x'. */
	unit?: string;
}

/** What {@link BenchContext.goal} takes: a measured figure against its limit (and, if so, why it is not valid). */
export type GoalInput = Omit<Goal, 'section' | 'holds' | 'direction' | 'notMeasured' | 'measured'> & {measured: number; direction?: 'max' | 'min'};

/** What {@link BenchContext.notMeasured} takes: the goal and the reason it could not be measured. */
export type NotMeasuredInput = GoalSpec & {reason: string; note?: string};

/** What a section's `run` gets: its settings and the ways to report. */
export interface BenchContext {
	/** Rounds to take medians over (default 7, `--rounds N`). */
	rounds: number;
	/** Shorter runs (`--quick`), for smoke checks; numbers are less stable. */
	quick: boolean;
	/** Reports a row. */
	row(row: Omit<Row, 'section'>): void;
	/**
	 * Reports a measured goal. A `measured` that is not a finite number (NaN from an empty median, say) is
	 * reported as not measured instead.
	 */
	goal(goal: GoalInput): void;
	/**
	 * Reports a goal that could not be measured in this run (a tool is missing, a file is absent, the work it
	 * measures failed). It prints as NOT MEASURED and counts as not holding.
	 */
	notMeasured(goal: NotMeasuredInput): void;
	/** Prints an indented line. */
	log(message: string): void;
}

/** A bench section: test/bench/<name>.ts exports one as `section`. */
export interface BenchSection {
	name: string;
	/** One line saying what the section measures. */
	description: string;
	/**
	 * Every goal the section reports. Any of them not reported when `run` returns or throws is reported as
	 * not measured, with the reason (the exception's message, or that the section ended without it).
	 */
	goals?: readonly GoalSpec[];
	run(context: BenchContext): Promise<void>;
}

/** What `npm run bench -- --json <file>` writes. */
export interface BenchReport {
	startedAt: string;
	node: string;
	cpus: number;
	rounds: number;
	/** The sections that ran (all of them, or the one `--only` named). */
	sections?: string[];
	rows: Row[];
	goals: Goal[];
}

/** Median of a list of numbers (NaN for an empty list). */
export function median(values: readonly number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The {@link BenchContext} of one section, appending to `report` and printing each line with `print` (console.log by default). */
export function createContext(section: string, report: BenchReport, options: {rounds: number; quick: boolean; print?: (line: string) => void}): BenchContext {
	const print = options.print ?? console.log;
	const context: BenchContext = {
		rounds: options.rounds,
		quick: options.quick,
		row(row) {
			const full = {section, ...row};
			report.rows.push(full);
			const ratio = row.ratio === undefined || row.ratio === null ? '' : `  x${row.ratio.toFixed(2)}`;
			print(`  ${row.name.padEnd(62)} ${format(row.value).padStart(12)} ${row.unit.padEnd(6)}${ratio}${row.note ? `  ${row.note}` : ''}`);
		},
		goal(goal) {
			if (!Number.isFinite(goal.measured)) {
				context.notMeasured({id: goal.id, limit: goal.limit, direction: goal.direction, unit: goal.unit, note: goal.note, reason: `the figure came out ${goal.measured}`});
				return;
			}
			const direction = goal.direction ?? 'max';
			const within = direction === 'max' ? goal.measured <= goal.limit : goal.measured >= goal.limit;
			const holds = within && goal.notValid === undefined;
			report.goals.push({...goal, section, direction, holds});
			const sign = direction === 'max' ? '<=' : '>=';
			const verdict = goal.notValid === undefined ? (holds ? 'HOLDS' : 'FAILS') : `NOT VALID (${goal.notValid})`;
			print(`  GOAL ${goal.id.padEnd(32)} measured ${format(goal.measured)}${goal.unit ?? ''} ${sign} ${format(goal.limit)}${goal.unit ?? ''}  ${verdict}${goal.note ? `  (${goal.note})` : ''}`);
		},
		notMeasured(goal) {
			const direction = goal.direction ?? 'max';
			const {reason, ...rest} = goal;
			report.goals.push({...rest, section, direction, measured: null, holds: false, notMeasured: reason});
			const sign = direction === 'max' ? '<=' : '>=';
			const limit = Number.isNaN(goal.limit) ? '' : ` (limit ${sign} ${format(goal.limit)}${goal.unit ?? ''})`;
			print(`  GOAL ${goal.id.padEnd(32)} NOT MEASURED${limit}: ${reason}`);
		},
		log(message) {
			print(`  ${message}`);
		},
	};
	return context;
}

/**
 * After a section's run: reports each of its declared goals that it did not report as not measured, with
 * `error` (what the run threw, if it did) as the reason.
 */
export function settleSection(section: BenchSection, context: BenchContext, report: BenchReport, error?: unknown): void {
	const reported = new Set(report.goals.filter(goal => goal.section === section.name).map(goal => goal.id));
	const reason = error === undefined ? 'the section ended without measuring it' : `the section failed: ${errorText(error)}`;
	for (const spec of section.goals ?? []) {
		if (!reported.has(spec.id)) context.notMeasured({...spec, reason});
	}
}

/**
 * Runs one part of a section that reports `goals`. If the part throws, the rest of the section can still run:
 * the error is printed and each of `goals` the part had not reported yet is reported as not measured, with the
 * error as the reason. Returns whether the part finished.
 */
export async function measurePart(context: BenchContext, goals: readonly GoalSpec[], part: (context: BenchContext) => Promise<void>): Promise<boolean> {
	const reported = new Set<string>();
	const tracking: BenchContext = {
		...context,
		goal(goal) {
			reported.add(goal.id);
			context.goal(goal);
		},
		notMeasured(goal) {
			reported.add(goal.id);
			context.notMeasured(goal);
		},
	};
	try {
		await part(tracking);
		return true;
	} catch (error) {
		context.log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		for (const spec of goals) if (!reported.has(spec.id)) context.notMeasured({...spec, reason: `its part failed: ${errorText(error)}`});
		return false;
	}
}

/** The summary line: "N of M goals hold", then the failing, not valid and not-measured goals by id. */
export function summarize(goals: readonly Goal[]): string {
	const holding = goals.filter(goal => goal.holds).length;
	const list = (label: string, ids: string[]): string => (ids.length > 0 ? `; ${label}: ${ids.join(', ')}` : '');
	const failing = goals.filter(goal => !goal.holds && goal.measured !== null && goal.notValid === undefined).map(goal => goal.id);
	const invalid = goals.filter(goal => goal.measured !== null && goal.notValid !== undefined).map(goal => goal.id);
	const missing = goals.filter(goal => goal.measured === null).map(goal => goal.id);
	return `${holding} of ${goals.length} goals hold${list('failing', failing)}${list('not valid', invalid)}${list('not measured', missing)}`;
}

function errorText(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0]!.slice(0, 200);
}

/** A number as the table prints it: whole above 100, two decimals above 1, four below. */
export function format(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	if (Math.abs(value) >= 100) return value.toFixed(0);
	if (Math.abs(value) >= 1) return value.toFixed(2);
	return value.toFixed(4);
}
