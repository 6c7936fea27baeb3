/**
 * The host's Prometheus endpoint: a small HTTP server (node:http, bound to 127.0.0.1 unless told otherwise)
 * that renders the monitor's existing series on each scrape (see protocol/exposition.ts). Nothing is
 * registered twice and nothing happens per host call: a scrape costs one pass over the series, written
 * `seriesPerChunk` series at a time with the event loop free in between, so one scrape never holds the host for
 * the whole render. `Accept: application/openmetrics-text` gets OpenMetrics 1.0; anything else text 0.0.4.
 */
import type {IncomingMessage, Server, ServerResponse} from 'node:http';
import {
	expositionChunks,
	negotiateFormat,
	OPENMETRICS_CONTENT_TYPE,
	PROMETHEUS_CONTENT_TYPE,
	renderExposition,
	resolveExposition,
	type ExpositionFormat,
	type ExpositionInput,
	type ResolvedExposition,
} from '../../protocol/exposition.js';
import {builtinRules} from '../alerts/rules.js';
import type {AlertOptions} from '../alerts/engine.js';
import type {Faults} from '../faults/faults.js';

/** Options of the Prometheus endpoint (monitor option `prometheus`). */
export interface PrometheusOptions {
	/** TCP port (default 9464, OpenTelemetry's Prometheus exporter's; 0 picks a free one, see {@link PrometheusExporter.url}). */
	port?: number;
	/** Address to bind (default `127.0.0.1`: only this machine can scrape; `0.0.0.0` to serve every interface). */
	host?: string;
	/** Path served (default `/metrics`); other paths get 404. */
	path?: string;
	/**
	 * `le` boundaries of the duration histograms, seconds (default: powers of two from about 1 us to 17 s, on the
	 * log-linear histogram's bucket edges, so exact). A boundary off an edge is counted at the nearest edge
	 * (within 1/64 of its value).
	 */
	buckets?: readonly number[];
	/** Most label sets one metric family shows (default 1000); the rest are counted in `perftop_exposition_series_dropped`. */
	maxSeries?: number;
}

/** Builds the data of one exposition (the monitor passes its own). */
export type ExpositionSource = () => ExpositionInput;

/** Where the endpoint listens (node:net's AddressInfo; declared here so the public types need no @types/node). */
export interface ListenAddress {
	address: string;
	family: string;
	port: number;
}

/** Default port: OpenTelemetry's Prometheus exporter's. */
export const DEFAULT_PROMETHEUS_PORT = 9464;

const DEFAULTS = resolveExposition();

/** Names of the alert rules in force under `alerts` options (all built-in rules but those turned off). */
export function alertRuleNames(alerts: Pick<AlertOptions, 'rules'> | false | undefined): string[] {
	if (alerts === false) return [];
	return builtinRules.filter(rule => alerts?.rules?.[rule.name] !== false).map(rule => rule.name);
}

/**
 * Renders a monitor's series for Prometheus and serves them over HTTP (see the file comment). Construction
 * never throws: options that do not check out are reported by {@link PrometheusExporter.listen}, and rendering
 * falls back to the defaults meanwhile.
 */
export class PrometheusExporter {
	/** Resolved rendering options (boundaries as bucket edges, cap). */
	readonly resolved: ResolvedExposition;
	readonly port: number;
	readonly host: string;
	readonly path: string;
	readonly #source: ExpositionSource;
	readonly #faults: Faults;
	readonly #invalid: Error | null;
	#server: Server | null = null;
	#address: ListenAddress | null = null;

	constructor(source: ExpositionSource, options: PrometheusOptions, faults: Faults) {
		this.#source = source;
		this.#faults = faults;
		let resolved = DEFAULTS;
		let invalid: Error | null = null;
		try {
			resolved = resolveExposition({buckets: options.buckets, maxSeries: options.maxSeries});
		} catch (error) {
			invalid = error as Error;
		}
		const port = options.port ?? DEFAULT_PROMETHEUS_PORT;
		if (invalid === null && !(Number.isInteger(port) && port >= 0 && port < 65536)) invalid = new TypeError(`perftop: prometheus port must be a whole number 0..65535, got ${String(port)}`);
		const path = options.path ?? '/metrics';
		if (invalid === null && !path.startsWith('/')) invalid = new TypeError(`perftop: prometheus path must start with '/', got '${path}'`);
		this.resolved = resolved;
		this.port = port;
		this.host = options.host ?? '127.0.0.1';
		this.path = path;
		this.#invalid = invalid;
	}

	/** The whole exposition now, in `format` (synchronous: for hosts that serve it from their own HTTP server). */
	render(format: ExpositionFormat = 'prometheus'): string {
		return renderExposition(this.#source(), this.resolved, format);
	}

	/** `http://host:port/path` once listening, else null. */
	get url(): string | null {
		if (this.#address === null) return null;
		const host = this.#address.family === 'IPv6' ? `[${this.#address.address}]` : this.#address.address;
		return `http://${host}:${this.#address.port}${this.path}`;
	}

	/** The bound address once listening, else null. */
	get address(): ListenAddress | null {
		return this.#address;
	}

	/**
	 * Starts serving. Rejects when the options are invalid or the address cannot be bound (in use, no
	 * permission); the monitor turns that into a fault unless started with `{strict: true}`. The server does not
	 * keep the host alive.
	 */
	async listen(): Promise<ListenAddress> {
		if (this.#invalid) throw this.#invalid;
		if (this.#address) return this.#address;
		// node:http loads only for hosts that serve the endpoint, not with the library.
		const {createServer} = await import('node:http');
		const server = createServer((request, response) => this.#handle(request, response));
		server.keepAliveTimeout = 65_000;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, this.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		server.on('error', error => this.#faults.report('prometheus-scrape', error));
		server.on('connection', socket => socket.unref());
		server.unref();
		this.#server = server;
		this.#address = server.address() as ListenAddress;
		return this.#address;
	}

	/** Stops serving; open scrapes are cut. */
	async close(): Promise<void> {
		const server = this.#server;
		this.#server = null;
		this.#address = null;
		if (!server) return;
		await new Promise<void>(resolve => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	#handle(request: IncomingMessage, response: ServerResponse): void {
		try {
			const url = request.url ?? '/';
			const query = url.indexOf('?');
			const path = query === -1 ? url : url.slice(0, query);
			if (path !== this.path) return void plain(response, 404, `not found; metrics are at ${this.path}\n`);
			if (request.method !== 'GET' && request.method !== 'HEAD') {
				response.setHeader('Allow', 'GET, HEAD');
				return void plain(response, 405, 'method not allowed\n');
			}
			const format = negotiateFormat(request.headers.accept);
			response.writeHead(200, {'Content-Type': format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store'});
			if (request.method === 'HEAD') return void response.end();
			void this.#stream(response, expositionChunks(this.#source(), this.resolved, format));
		} catch (error) {
			this.#fail(response, error);
		}
	}

	/** Writes the pieces one by one, letting the event loop run between them (and waiting for drain). */
	async #stream(response: ServerResponse, chunks: Generator<string, void, undefined>): Promise<void> {
		try {
			for (const chunk of chunks) {
				if (response.destroyed) return;
				if (!response.write(chunk)) await drained(response);
				else await new Promise<void>(resolve => setImmediate(resolve));
			}
			response.end();
		} catch (error) {
			this.#fail(response, error);
		}
	}

	#fail(response: ServerResponse, error: unknown): void {
		this.#faults.report('prometheus-scrape', error);
		if (!response.headersSent) plain(response, 500, 'perftop could not render the metrics (see the host\'s PERFTOP_PROMETHEUS_SCRAPE warning)\n');
		else response.destroy();
	}
}

/** Resolves when `response` can take more (drain) or is gone (close), leaving no listener behind. */
function drained(response: ServerResponse): Promise<void> {
	return new Promise<void>(resolve => {
		const done = (): void => {
			response.off('drain', done);
			response.off('close', done);
			resolve();
		};
		response.on('drain', done);
		response.on('close', done);
	});
}

function plain(response: ServerResponse, status: number, text: string): void {
	response.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8'});
	response.end(text);
}
