// The part of better-sqlite3's API the example uses (the package ships no type declarations).
declare module 'better-sqlite3' {
	namespace Database {
		interface RunResult {
			changes: number;
			lastInsertRowid: number | bigint;
		}

		interface Statement<Row = unknown> {
			readonly source: string;
			readonly reader: boolean;
			run(...params: unknown[]): RunResult;
			get(...params: unknown[]): Row | undefined;
			all(...params: unknown[]): Row[];
		}

		interface Database {
			readonly open: boolean;
			readonly name: string;
			prepare<Row = unknown>(source: string): Statement<Row>;
			exec(source: string): Database;
			pragma(source: string, options?: {simple?: boolean}): unknown;
			transaction<F extends (...args: never[]) => unknown>(fn: F): F & {deferred: F; immediate: F; exclusive: F};
			close(): Database;
		}

		interface Options {
			readonly?: boolean;
			fileMustExist?: boolean;
			timeout?: number;
		}
	}

	const Database: {
		new (filename: string, options?: Database.Options): Database.Database;
	};

	export = Database;
}
