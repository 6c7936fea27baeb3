/**
 * The hooks the service calls, and what it passes and expects. A feature is a plugin implementing one or
 * more of these; the HTTP layer (http.ts) maps routes onto them.
 */
import type {OrderChange} from './order-store.js';
import type {ListQuery, NewOrder, Order, OrderPage, OrderStats, OrderStatus} from './orders.js';

/** What the service knows about a request when it starts. */
export interface RequestInfo {
	method: string;
	path: string;
	userAgent: string | null;
	at: number;
}

/** A shipping price offer. */
export interface ShippingQuote {
	orderId: number;
	carrier: string;
	service: string;
	priceCents: number;
	etaDays: number;
}

/** A rendered receipt. */
export interface Receipt {
	orderId: number;
	customer: string;
	status: OrderStatus;
	lines: Array<{description: string; amountCents: number}>;
	totalCents: number;
	renderedAt: number;
}

/** One entry of the activity feed. */
export interface ActivityEntry {
	at: number;
	method: string;
	path: string;
}

/**
 * Hook name -> implementation signature. Async lookups answer null for "not found", so that undefined
 * always means "no plugin implements this hook".
 */
export interface ServiceHooks {
	/** Every request, before routing (sync; all implementations run). */
	onRequest(info: RequestInfo): void;
	/** GET /orders: one page of the table. */
	listOrders(query: ListQuery): OrderPage;
	/** GET /orders/stats. */
	orderStats(): OrderStats;
	/** GET /orders/:id. */
	getOrder(id: number): Order | undefined;
	/** PATCH /orders/:id. */
	setOrderStatus(id: number, status: OrderStatus): OrderChange | undefined;
	/** POST /orders. */
	createOrder(input: NewOrder): OrderChange;
	/** After every write (async; all implementations run in parallel). */
	orderChanged(change: OrderChange): Promise<void> | void;
	/** GET /orders/:id/receipt. */
	getReceipt(id: number): Promise<Receipt | null>;
	/** GET /orders/:id/recommendations. */
	recommend(id: number): Promise<Order[] | null>;
	/** GET /orders/:id/shipping-quote. */
	quoteShipping(id: number): Promise<ShippingQuote | null>;
	/** POST /orders/:id/payment. */
	chargeOrder(id: number): Promise<{orderId: number; charged: boolean}>;
	/** GET /activity. */
	recentActivity(limit: number): ActivityEntry[];
}

/** A hook implementation map for a plugin that implements some of the service hooks. */
export type HookImplementations = Partial<ServiceHooks>;
