/**
 * The orders domain: what an order is, how the table view asks for a page of them, and the checks on
 * what clients send. Plain data and pure functions; the database and the HTTP layer build on these.
 */

/** Lifecycle states of an order. */
export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
/** An order status. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Columns the table view can sort by (API name -> column). */
export const SORT_COLUMNS = {
	id: 'id',
	created: 'created_at',
	total: 'total_cents',
	customer: 'customer',
	items: 'items',
} as const;
/** A sort key of the table view. */
export type SortKey = keyof typeof SORT_COLUMNS;

/** One row of the orders table. */
export interface Order {
	id: number;
	customer: string;
	status: OrderStatus;
	totalCents: number;
	items: number;
	country: string;
	createdAt: number;
	updatedAt: number;
}

/** A request for one page of the table. */
export interface ListQuery {
	page: number;
	pageSize: number;
	sort: SortKey;
	dir: 'asc' | 'desc';
	status: OrderStatus | null;
	/** Customer name prefix (case-insensitive). */
	customer: string | null;
}

/** One page of the table. */
export interface OrderPage {
	page: number;
	pageSize: number;
	/** Rows matching the filters, over all pages. */
	total: number;
	pages: number;
	rows: Order[];
}

/** Order counts and revenue per status. */
export interface OrderStats {
	orders: number;
	byStatus: Record<string, {orders: number; revenueCents: number}>;
}

/** What a client may send to create an order. */
export interface NewOrder {
	customer: string;
	totalCents: number;
	items: number;
	country: string;
}

/** A rejected request, with the HTTP status it maps to. */
export class RequestError extends Error {
	constructor(
		message: string,
		readonly statusCode = 400,
	) {
		super(message);
		this.name = 'RequestError';
	}
}

/** Largest page the table view serves. */
export const MAX_PAGE_SIZE = 100;

/** Reads a ListQuery from URL search parameters, with defaults; throws RequestError for bad values. */
export function parseListQuery(params: URLSearchParams): ListQuery {
	const page = integer(params.get('page'), 1, 'page', 1, 10_000);
	const pageSize = integer(params.get('pageSize'), 25, 'pageSize', 1, MAX_PAGE_SIZE);
	const sort = params.get('sort') ?? 'created';
	if (!(sort in SORT_COLUMNS)) throw new RequestError(`sort must be one of ${Object.keys(SORT_COLUMNS).join(', ')}`);
	const dir = params.get('dir') ?? 'desc';
	if (dir !== 'asc' && dir !== 'desc') throw new RequestError('dir must be asc or desc');
	const status = params.get('status');
	if (status !== null && !isStatus(status)) throw new RequestError(`status must be one of ${ORDER_STATUSES.join(', ')}`);
	const customer = params.get('customer');
	if (customer !== null && (customer.length === 0 || customer.length > 64)) throw new RequestError('customer must be 1-64 characters');
	return {page, pageSize, sort: sort as SortKey, dir, status, customer};
}

/** True when `value` names an order status. */
export function isStatus(value: unknown): value is OrderStatus {
	return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}

/** Checks a create-order body; throws RequestError naming the first bad field. */
export function parseNewOrder(body: unknown): NewOrder {
	if (typeof body !== 'object' || body === null) throw new RequestError('body must be a JSON object');
	const {customer, totalCents, items, country} = body as Record<string, unknown>;
	if (typeof customer !== 'string' || customer.length === 0 || customer.length > 64) throw new RequestError('customer must be 1-64 characters');
	if (!Number.isInteger(totalCents) || (totalCents as number) < 0) throw new RequestError('totalCents must be a whole number >= 0');
	if (!Number.isInteger(items) || (items as number) < 1) throw new RequestError('items must be a whole number >= 1');
	if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) throw new RequestError('country must be a two-letter code');
	return {customer, totalCents: totalCents as number, items: items as number, country};
}

function integer(raw: string | null, fallback: number, name: string, min: number, max: number): number {
	if (raw === null) return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) throw new RequestError(`${name} must be a whole number from ${min} to ${max}`);
	return value;
}
