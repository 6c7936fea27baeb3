/**
 * The app the Fastify benchmarks load (test/bench/adapters/fastify.ts): @fastify/cors, helmet, rate-limit (a limit
 * no run reaches) and etag, and one route, `GET /items/:id`, in one of three modes:
 *
 * - `perftop`: instrumented by perftop/fastify, the monitor started with its socket (`--socket`) and samplers on;
 * - `bare`: the same app without monitoring;
 * - `fastify-metrics`: the same app with fastify-metrics 12 registered first with its defaults (route duration
 *   histogram and summary, prom-client's default process metrics, `/metrics`).
 *
 *   node --import tsx --conditions=source plugins-example/fastify/bench-server.ts --mode perftop --socket <path>
 *
 * Prints {"ready": true, "url", "socket", "pid"} on stdout when listening; stops on SIGTERM/SIGINT/SIGHUP and
 * when stdin ends.
 */
import cors from '@fastify/cors';
import etag from '@fastify/etag';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, {type FastifyPluginCallback} from 'fastify';
import metrics from 'fastify-metrics';
import {PerformanceMonitor} from 'perftop';
import {instrumentFastify} from 'perftop/fastify';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
	const at = args.indexOf(name);
	return at === -1 ? undefined : args[at + 1];
};
const mode = option('--mode') ?? 'bare';
if (!['perftop', 'bare', 'fastify-metrics'].includes(mode)) {
	process.stderr.write(`bench-server: --mode must be perftop, bare or fastify-metrics, not ${mode}\n`);
	process.exit(2);
}
const socket = option('--socket');

const monitor = mode === 'perftop' ? new PerformanceMonitor({name: 'fastify-bench', socket}) : null;
await monitor?.start();
const app = Fastify();
if (monitor) instrumentFastify(app, {monitor});
// A CommonJS module with `exports.default`: avvio takes the `default` of an object it is given.
if (mode === 'fastify-metrics') await app.register(metrics as unknown as FastifyPluginCallback<{endpoint: string}>, {endpoint: '/metrics'});
await app.register(cors, {origin: true});
await app.register(helmet);
await app.register(rateLimit, {max: 1_000_000_000, timeWindow: 60_000});
await app.register(etag);
const colours = ['red', 'green', 'blue', 'amber'];
app.get<{Params: {id: string}}>('/items/:id', async request => {
	const id = Number(request.params.id);
	return {id, name: `item ${id}`, colour: colours[id % colours.length], price: (id % 1000) / 10, tags: ['bench', 'fastify']};
});
const url = await app.listen({host: '127.0.0.1', port: 0});
process.stdout.write(`${JSON.stringify({ready: true, url, socket: monitor?.server ? (socket ?? null) : null, pid: process.pid})}\n`);

let stopping = false;
async function shutdown(): Promise<void> {
	if (stopping) return;
	stopping = true;
	setTimeout(() => process.exit(1), 3000).unref();
	try {
		await app.close();
		await monitor?.stop();
	} finally {
		process.exit(0);
	}
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.on('error', () => void shutdown());
process.stdin.resume();
