/**
 * The example host: the orders service with perftop monitoring and (optionally) its own load.
 *
 *   node --import tsx --conditions=source plugins-example/host.ts [options]   (--help lists them)
 *
 * Prints one JSON line on stdout when ready: {"ready": true, "url", "socket", "pid", "monitored",
 * "plugins"}. Stops cleanly on SIGINT, SIGTERM and SIGHUP. With --exit-with-stdin (how `perftop demo` starts
 * it) it also stops when stdin ends or its parent process is gone, so a parent killed without a chance to
 * stop it (SIGKILL) never leaves it running.
 */
import {mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {HOST_USAGE, parseHostArgs, type HostOptions} from './app/host-options.js';
import {startLoad, type LoadGenerator} from './app/load.js';
import {startOrdersService} from './app/service.js';

/** The parent as it was at start (before a slow first start that seeds the database). */
const parentAtStart = process.ppid;

function defaultDataDir(): string {
	const beside = join(dirname(fileURLToPath(import.meta.url)), 'data');
	try {
		mkdirSync(beside, {recursive: true});
		return beside;
	} catch {
		return join(tmpdir(), 'perftop-orders-data');
	}
}

let options: HostOptions;
try {
	options = parseHostArgs(process.argv.slice(2));
} catch (error) {
	process.stderr.write(`orders host: ${(error as Error).message}\n${HOST_USAGE}\n`);
	process.exit(2);
}
if (options.help) {
	process.stdout.write(`${HOST_USAGE}\n`);
	process.exit(0);
}

const service = await startOrdersService({
	dataDir: resolve(options.dataDir ?? defaultDataDir()),
	port: options.port,
	monitored: options.monitored,
	socket: options.monitored ? options.socket : undefined,
	logDir: options.logDir,
	exclude: options.exclude,
	thresholds: options.memoryIncrease === undefined ? undefined : {memoryIncrease: options.memoryIncrease},
	samplers: {
		intervalMs: options.sampleMs,
		budget: options.warmupMs === undefined ? undefined : {warmupMs: options.warmupMs},
		heapGrowth: {minDurationMs: options.heapGrowthMs, majorGcs: options.heapGrowthGcs},
	},
	pluginOptions: {'activity-feed': options.leakBytes === undefined ? {} : {contextBytes: options.leakBytes}},
});

let load: LoadGenerator | null = null;
if (options.concurrency !== undefined) load = startLoad({url: service.url, concurrency: options.concurrency});
else if (options.rate > 0) load = startLoad({url: service.url, rate: options.rate});

const plugins = Object.fromEntries([...service.loads].map(([name, result]) => [name, result.ok ? 'loaded' : 'failed']));
process.stdout.write(`${JSON.stringify({ready: true, url: service.url, socket: service.socketPath, pid: process.pid, monitored: options.monitored, plugins})}\n`);

/** Longest graceful stop before the host exits anyway (exit-time cleanups still remove the socket). */
const STOP_DEADLINE_MS = 3000;
/** Load requests still unanswered this long into a stop are abandoned. */
const LOAD_GRACE_MS = 500;
/** How often the parent's pid is checked with --exit-with-stdin. */
const PARENT_CHECK_MS = 500;

let stopping = false;
async function shutdown(): Promise<void> {
	if (stopping) return;
	stopping = true;
	setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref();
	try {
		await load?.stop({graceMs: LOAD_GRACE_MS});
		await service.close();
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
