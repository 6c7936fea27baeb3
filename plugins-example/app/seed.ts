/**
 * Opens the orders database file and, on first use, creates the schema and seeds it with generated
 * orders in one transaction. Seeding is deterministic (a seeded PRNG), so every fresh database holds the
 * same rows. Safe when two processes open a new file at once: the check-and-seed runs in an immediate
 * (write-locking) transaction.
 */
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import Database from 'better-sqlite3';
import {ORDER_STATUSES} from './orders.js';
import {random} from './random.js';

/** Schema version stored in PRAGMA user_version once seeded. */
const SCHEMA_VERSION = 2;
/** Rows seeded into a new database unless told otherwise. */
export const DEFAULT_ROWS = 100_000;

const PREFIXES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka', 'Gringotts', 'Oscorp', 'Monarch', 'Aperture', 'Blue Sun', 'Duff', 'Nakatomi', 'Pied Piper'];
const SUFFIXES = ['Industries', 'Labs', 'Foods', 'Logistics', 'Media', 'Systems', 'Retail', 'Health', 'Energy', 'Travel'];
const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'NL', 'SE', 'ES', 'IT', 'PL', 'JP'];
/** Relative frequency of each status, in ORDER_STATUSES order. */
const STATUS_WEIGHTS = [10, 15, 25, 40, 6, 4];

/** Every customer name the seed uses (prefix x suffix). */
export const CUSTOMERS = PREFIXES.flatMap(prefix => SUFFIXES.map(suffix => `${prefix} ${suffix}`));
/** Customer name prefixes, handy for filters. */
export const CUSTOMER_PREFIXES: readonly string[] = PREFIXES;

/** Options of openOrdersDatabase(). */
export interface OpenOptions {
	/** Rows to seed into a new database (default 100 000). */
	rows?: number;
}

/** Opens (creating and seeding when new) the orders database at `file`. Returns the open connection. */
export function openOrdersDatabase(file: string, options: OpenOptions = {}): Database.Database {
	mkdirSync(dirname(file), {recursive: true});
	const db = new Database(file, {timeout: 30_000});
	try {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		const seed = db.transaction(() => {
			if ((db.pragma('user_version', {simple: true}) as number) >= SCHEMA_VERSION) return;
			// An older schema is rebuilt from scratch (the data is generated anyway).
			db.exec('DROP TABLE IF EXISTS orders');
			createSchema(db);
			insertOrders(db, options.rows ?? DEFAULT_ROWS);
			// One index per sort column, alone and behind the status filter: every page is an index walk.
			for (const column of ['created_at', 'total_cents', 'customer', 'items']) {
				db.exec(`CREATE INDEX orders_${column} ON orders (${column})`);
				db.exec(`CREATE INDEX orders_status_${column} ON orders (status, ${column})`);
			}
			db.exec('ANALYZE');
			db.pragma(`user_version = ${SCHEMA_VERSION}`);
		});
		seed.immediate();
	} catch (error) {
		db.close();
		throw error;
	}
	return db;
}

function createSchema(db: Database.Database): void {
	db.exec(`CREATE TABLE IF NOT EXISTS orders (
		id INTEGER PRIMARY KEY,
		customer TEXT NOT NULL COLLATE NOCASE,
		status TEXT NOT NULL,
		total_cents INTEGER NOT NULL,
		items INTEGER NOT NULL,
		country TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL
	)`);
}

function insertOrders(db: Database.Database, rows: number): void {
	const insert = db.prepare('INSERT INTO orders (id, customer, status, total_cents, items, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
	const next = random(42);
	const weightTotal = STATUS_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
	// Orders spread over the 365 days before a fixed date, in id order.
	const end = Date.UTC(2025, 0, 1);
	const span = 365 * 24 * 3600 * 1000;
	for (let id = 1; id <= rows; id++) {
		let pick = next() * weightTotal;
		let status = 0;
		while (status < STATUS_WEIGHTS.length - 1 && pick >= STATUS_WEIGHTS[status]!) pick -= STATUS_WEIGHTS[status++]!;
		const items = 1 + Math.floor(next() * next() * 12);
		const created = end - span + Math.floor((id / rows) * span);
		insert.run(
			id,
			CUSTOMERS[Math.floor(next() * CUSTOMERS.length)]!,
			ORDER_STATUSES[status]!,
			items * (500 + Math.floor(next() * 9500)),
			items,
			COUNTRIES[Math.floor(next() * COUNTRIES.length)]!,
			created,
			created + Math.floor(next() * 7 * 24 * 3600 * 1000),
		);
	}
}
