/**
 * A SQLite connection whose prepared statements are timed as perftop operations. Each statement is
 * prepared once and wrapped once (at prepare time, not per call); its operation name is the normalized
 * statement text, so parameter values never appear in metrics.
 */
import type Database from 'better-sqlite3';
import type {PerformanceMonitor} from 'perftop';
import {normalizeSql} from './sql.js';

/** A prepared statement with timed methods. */
export interface TimedStatement<Row> {
	/** The operation name its calls are recorded under. */
	readonly op: string;
	all(...params: unknown[]): Row[];
	get(...params: unknown[]): Row | undefined;
	run(...params: unknown[]): Database.RunResult;
}

/** Prepares and caches timed statements on one connection. */
export class MonitoredDatabase {
	readonly #statements = new Map<string, TimedStatement<unknown>>();

	constructor(
		readonly db: Database.Database,
		readonly monitor: PerformanceMonitor,
		/** The plugin the queries are attributed to. */
		readonly plugin: string,
	) {}

	/** The timed statement for `sql` (prepared on first use). */
	statement<Row>(sql: string): TimedStatement<Row> {
		let statement = this.#statements.get(sql);
		if (!statement) {
			const prepared = this.db.prepare<Row>(sql);
			const op = normalizeSql(sql);
			const options = {op, plugin: this.plugin};
			statement = {
				op,
				all: this.monitor.wrap((...params: unknown[]) => prepared.all(...params), options),
				get: this.monitor.wrap((...params: unknown[]) => prepared.get(...params), options),
				run: this.monitor.wrap((...params: unknown[]) => prepared.run(...params), options),
			};
			this.#statements.set(sql, statement);
		}
		return statement as TimedStatement<Row>;
	}

	/** Runs `fn` in one transaction (timed as a whole under `op`). */
	transaction<T>(op: string, fn: () => T): T {
		return this.monitor.time(op, () => this.db.transaction(fn)(), {plugin: this.plugin});
	}

	/** Number of distinct statements prepared so far. */
	get statements(): number {
		return this.#statements.size;
	}

	close(): void {
		this.#statements.clear();
		if (this.db.open) this.db.close();
	}
}
