/**
 * The Fastify example host: the shop API (shop.ts) instrumented by `perftop/fastify`, serving a perftop socket
 * and (optionally) loading itself.
 *
 *   node --import tsx --conditions=source plugins-example/fastify/host.ts [--socket <path>] [--rate <n>]
 *
 * Options: `--socket <path>` (default: none), `--rate <n>` requests/s of its own load (default 50; 0: none),
 * `--concurrency <n>` closed-loop load instead, `--port <n>` (default: any free port), `--unmonitored`,
 * `--exit-with-stdin`. `--data-dir` and `--leak-bytes` (the orders host's) are accepted and ignored, so the
 * demo can start either host. Prints one JSON line on stdout when ready: {"ready": true, "url", "socket",
 * "pid", "monitored", "plugins"}. Stops cleanly on SIGINT/SIGTERM/SIGHUP, and with --exit-with-stdin when stdin ends or the parent goes.
 */
import Fastify from 'fastify';
import {PerformanceMonitor} from 'perftop';
import {instrumentFastify} from 'perftop/fastify';
import {startLoad, type Load} from './load.js';
import {registerShop, shopRequests} from './shop.js';

const USAGE = 'usage: host.ts [--socket <path>] [--rate <n> | --concurrency <n>] [--port <n>] [--unmonitored] [--exit-with-stdin]';

interface Options {
	socket: string | null;
	rate: number;
	concurrency: number | null;
	port: number;
	monitored: boolean;
	exitWithStdin: boolean;
}

function parse(argv: string[]): Options {
	const options: Options = {socket: null, rate: 50, concurrency: null, port: 0, monitored: true, exitWithStdin: false};
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i]!;
		const value = (): string => {
			const given = argv[++i];
			if (given === undefined) throw new Error(`${flag} needs a value`);
			return given;
		};
		const number = (): number => {
			const parsed = Number(value());
			if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} needs a number >= 0`);
			return parsed;
		};
		if (flag === '--socket') options.socket = value();
		else if (flag === '--rate') options.rate = number();
		else if (flag === '--concurrency') options.concurrency = number();
		else if (flag === '--port') options.port = number();
		else if (flag === '--unmonitored') options.monitored = false;
		else if (flag === '--exit-with-stdin') options.exitWithStdin = true;
		else if (flag === '--data-dir' || flag === '--leak-bytes') value();
		else if (flag === '--help') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		} else throw new Error(`unknown option ${flag}`);
	}
	return options;
}

let options: Options;
try {
	options = parse(process.argv.slice(2));
} catch (error) {
	process.stderr.write(`fastify shop: ${(error as Error).message}\n${USAGE}\n`);
	process.exit(2);
}

const monitor = new PerformanceMonitor({name: 'fastify-shop', enabled: options.monitored, samplers: options.monitored ? {} : false, socket: options.monitored && options.socket ? options.socket : undefined});
await monitor.start();
const app = Fastify();
if (options.monitored) instrumentFastify(app, {monitor});
await registerShop(app);
const url = await app.listen({host: '127.0.0.1', port: options.port});

let load: Load | null = null;
if (options.concurrency !== null && options.concurrency > 0) load = startLoad({url, requests: shopRequests(), concurrency: options.concurrency});
else if (options.rate > 0) load = startLoad({url, requests: shopRequests(), rate: options.rate});

const plugins = Object.fromEntries(monitor.getPerformanceSummary().plugins.map(plugin => [plugin.name, plugin.state === 'failed' ? 'failed' : 'loaded']));
const socket = monitor.server ? (options.socket ?? null) : null;
process.stdout.write(`${JSON.stringify({ready: true, url, socket, pid: process.pid, monitored: options.monitored, plugins})}\n`);

/** Longest graceful stop before the host exits anyway (exit-time cleanups still remove the socket). */
const STOP_DEADLINE_MS = 3000;
/** How often the parent's pid is checked with --exit-with-stdin. */
const PARENT_CHECK_MS = 500;
const parentAtStart = process.ppid;

let stopping = false;
async function shutdown(): Promise<void> {
	if (stopping) return;
	stopping = true;
	setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
	try {
		await load?.stop();
		await app.close();
		await monitor.stop();
	} finally {
		process.exit(0);
	}
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown());
if (options.exitWithStdin) {
	process.stdin.on('end', () => void shutdown());
	process.stdin.on('error', () => void shutdown());
	process.stdin.resume();
	// A parent that dies is replaced by a reaper process: the parent pid changes.
	const watch = setInterval(() => {
		if (process.ppid === parentAtStart) return;
		clearInterval(watch);
		void shutdown();
	}, PARENT_CHECK_MS);
	watch.unref();
}
