/**
 * The orders table, as the service's plugins use it: paging, sorting and filtering, single rows, writes
 * and per-status statistics. Every query is a timed statement (see MonitoredDatabase); sort columns and
 * directions come from a fixed list, so the set of statement shapes is bounded.
 */
import type {MonitoredDatabase} from './monitored-db.js';
import {SORT_COLUMNS, type ListQuery, type NewOrder, type Order, type OrderPage, type OrderStats, type OrderStatus} from './orders.js';

interface OrderRow {
	id: number;
	customer: string;
	status: OrderStatus;
	total_cents: number;
	items: number;
	country: string;
	created_at: number;
	updated_at: number;
}

function toOrder(row: OrderRow): Order {
	return {
		id: row.id,
		customer: row.customer,
		status: row.status,
		totalCents: row.total_cents,
		items: row.items,
		country: row.country,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}

/** A status change or a new order: the row before (null when new) and after. */
export interface OrderChange {
	before: Order | null;
	after: Order;
}

/** Queries and writes on the orders table. */
export class OrderStore {
	constructor(
		readonly database: MonitoredDatabase,
		readonly now: () => number = Date.now,
	) {}

	/** One page of orders matching the query's filters, in the query's order. */
	list(query: ListQuery): OrderPage {
		const where: string[] = [];
		const params: unknown[] = [];
		if (query.status !== null) {
			where.push('status = ?');
			params.push(query.status);
		}
		if (query.customer !== null) {
			where.push("customer LIKE ? ESCAPE '\\'");
			params.push(`${query.customer.replace(/[\\%_]/g, match => `\\${match}`)}%`);
		}
		const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
		const column = SORT_COLUMNS[query.sort];
		const dir = query.dir === 'asc' ? 'ASC' : 'DESC';
		const order = column === 'id' ? `id ${dir}` : `${column} ${dir}, id ${dir}`;
		const total = this.database.statement<{n: number}>(`SELECT count(*) AS n FROM orders${filter}`).get(...params)?.n ?? 0;
		const rows = this.database
			.statement<OrderRow>(`SELECT * FROM orders${filter} ORDER BY ${order} LIMIT ? OFFSET ?`)
			.all(...params, query.pageSize, (query.page - 1) * query.pageSize);
		return {page: query.page, pageSize: query.pageSize, total, pages: Math.ceil(total / query.pageSize), rows: rows.map(toOrder)};
	}

	/** One order, or undefined. */
	get(id: number): Order | undefined {
		const row = this.database.statement<OrderRow>('SELECT * FROM orders WHERE id = ?').get(id);
		return row ? toOrder(row) : undefined;
	}

	/** Other recent orders of the same customer. */
	byCustomer(customer: string, exceptId: number, limit: number): Order[] {
		return this.database
			.statement<OrderRow>('SELECT * FROM orders WHERE customer = ? AND id != ? ORDER BY created_at DESC LIMIT ?')
			.all(customer, exceptId, limit)
			.map(toOrder);
	}

	/** Changes an order's status; undefined when there is no such order. */
	setStatus(id: number, status: OrderStatus): OrderChange | undefined {
		return this.database.transaction('update order', () => {
			const before = this.get(id);
			if (!before) return undefined;
			const updatedAt = this.now();
			this.database.statement('UPDATE orders SET status = ?, updated_at = ? WHERE id = ?').run(status, updatedAt, id);
			return {before, after: {...before, status, updatedAt}};
		});
	}

	/** Adds an order (status pending). */
	create(input: NewOrder): OrderChange {
		const at = this.now();
		const result = this.database
			.statement("INSERT INTO orders (customer, status, total_cents, items, country, created_at, updated_at) VALUES (?, 'pending', ?, ?, ?, ?, ?)")
			.run(input.customer, input.totalCents, input.items, input.country, at, at);
		const after: Order = {id: Number(result.lastInsertRowid), status: 'pending', ...input, createdAt: at, updatedAt: at};
		return {before: null, after};
	}

	/** Order counts and revenue per status. */
	stats(): OrderStats {
		const rows = this.database
			.statement<{status: string; orders: number; revenue: number}>('SELECT status, count(*) AS orders, sum(total_cents) AS revenue FROM orders GROUP BY status')
			.all();
		const byStatus: OrderStats['byStatus'] = {};
		let orders = 0;
		for (const row of rows) {
			byStatus[row.status] = {orders: row.orders, revenueCents: row.revenue};
			orders += row.orders;
		}
		return {orders, byStatus};
	}
}
