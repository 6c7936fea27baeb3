/**
 * Fastify adapter benchmarks: the same app (@fastify/cors, helmet, rate-limit with a limit no run reaches, etag,
 * one route; plugins-example/fastify/bench-server.ts) in child processes under closed-loop load.
 *
 * - `fastify-throughput`: instrumented by perftop/fastify (socket served, samplers on, a client subscribed at
 *   1 Hz) against the same app bare;
 * - `fastify-vs-fastify-metrics`: perftop/fastify against fastify-metrics 12 with its defaults (route duration
 *   histogram and summary, prom-client's default process metrics). perftop times every plugin's hooks and the
 *   handler, fastify-metrics the route only.
 *
 * As in the e2e section, every round starts a fresh pair of processes (one process's JIT and heap layout luck
 * stays with it for its life), warms both up together, then loads both at the same time, each with its own
 * keep-alive workers sending the same requests: both are measured at the same moments, share the cores, and
 * any extra CPU of either costs it requests. A goal is the median of the per-round ratios.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {createRequire} from 'node:module';
import {arch} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';
import {startLoad, type LoadRequest} from '../../../plugins-example/fastify/load.js';
import {tempDir, watch, type Watcher} from '../../../plugins-example/test/helpers/host-process.js';
import {median, type BenchContext} from '../harness.js';
import {procCpuTicks} from '../proc.js';

const SERVER = fileURLToPath(new URL('../../../plugins-example/fastify/bench-server.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Workers per server. */
const CONCURRENCY = 8;
const REQUESTS: LoadRequest[] = Array.from({length: 64}, (_, index) => ({path: `/items/${index * 37 + 1}`}));

type Mode = 'perftop' | 'bare' | 'fastify-metrics';

interface Server {
	mode: Mode;
	url: string;
	socket: string | null;
	child: ChildProcess;
	stop(): Promise<void>;
}

/** `setarch <arch> -R` where it works (see the e2e section: address-space randomization moves a process's speed). */
function fixedLayout(): string[] {
	const launcher = ['setarch', arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch(), '-R'];
	return spawnSync(launcher[0]!, [...launcher.slice(1), 'true'], {stdio: 'ignore'}).status === 0 ? launcher : [];
}

function startServer(mode: Mode, socket: string | null, launcher: string[]): Promise<Server> {
	const command = [...launcher, process.execPath, '--import', TSX, '--conditions=source', SERVER, '--mode', mode, ...(socket ? ['--socket', socket] : [])];
	const child = spawn(command[0]!, command.slice(1), {stdio: ['pipe', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	const stop = async (): Promise<void> => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	};
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			void stop();
			reject(new Error(`${mode} server not ready within 60 s: ${stderr}`));
		}, 60_000);
		createInterface({input: child.stdout!}).once('line', line => {
			clearTimeout(timer);
			const ready = JSON.parse(line) as {url: string; socket: string | null};
			resolve({mode, url: ready.url, socket: ready.socket, child, stop});
		});
		void exited.then(() => {
			clearTimeout(timer);
			reject(new Error(`${mode} server exited before it was ready: ${stderr}`));
		});
	});
}

/** What one server did while loaded: requests per second, and CPU ticks (every thread, from /proc) per request. */
interface Served {
	rps: number;
	ticksPerRequest: number | null;
}

/** Loads every server at once for `ms`. */
async function loadTogether(servers: Server[], ms: number): Promise<Served[]> {
	const before = servers.map(server => procCpuTicks(server.child.pid));
	const loads = servers.map(server => startLoad({url: server.url, requests: REQUESTS, concurrency: CONCURRENCY}));
	await sleep(ms);
	const stats = await Promise.all(loads.map(load => load.stop()));
	for (const [index, stat] of stats.entries()) if (stat.failed > 0 || stat.serverErrors > 0) throw new Error(`${servers[index]!.mode}: ${stat.failed} requests failed, ${stat.serverErrors} answered 5xx`);
	return stats.map((stat, index) => {
		const start = before[index];
		const end = procCpuTicks(servers[index]!.child.pid);
		return {rps: stat.answered / (stat.elapsedMs / 1000), ticksPerRequest: start == null || end == null || stat.answered === 0 ? null : (end - start) / stat.answered};
	});
}

interface PairResult {
	ratios: number[];
	rps: {perftop: number[]; other: number[]};
	/** Per-round CPU per request, perftop / other. */
	cpuRatios: number[];
}

/** Rounds of a fresh (perftop, other) pair loaded together; ratios perftop / other. */
async function comparePair(context: BenchContext, other: Mode, launcher: string[], socket: string): Promise<PairResult> {
	const warmupMs = context.quick ? 3000 : 6000;
	const measureMs = context.quick ? 2000 : 5000;
	const result: PairResult = {ratios: [], rps: {perftop: [], other: []}, cpuRatios: []};
	for (let round = 0; round < context.rounds; round++) {
		let servers: Server[] = [];
		let watcher: Watcher | null = null;
		try {
			servers = await Promise.all([startServer('perftop', socket, launcher), startServer(other, null, launcher)]);
			if (!servers[0]!.socket) throw new Error('the perftop server serves no socket');
			watcher = watch(servers[0]!.socket, 1000);
			await watcher.until(() => true, 10_000, 'the first snapshot');
			await loadTogether(servers, warmupMs);
			const [withPerftop, without] = (await loadTogether(servers, measureMs)) as [Served, Served];
			result.rps.perftop.push(withPerftop.rps);
			result.rps.other.push(without.rps);
			result.ratios.push(withPerftop.rps / without.rps);
			if (withPerftop.ticksPerRequest !== null && without.ticksPerRequest) result.cpuRatios.push(withPerftop.ticksPerRequest / without.ticksPerRequest);
			context.log(`round ${round + 1}: perftop ${withPerftop.rps.toFixed(0)} req/s, ${other} ${without.rps.toFixed(0)} req/s, ratio ${(withPerftop.rps / without.rps).toFixed(3)}`);
		} finally {
			watcher?.close();
			await Promise.all(servers.map(server => server.stop()));
		}
	}
	return result;
}

/** The middle half of per-round ratios, as text. */
function middleHalf(values: number[]): string {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return `${at(0.25).toFixed(3)}-${at(0.75).toFixed(3)}`;
}

/** Runs both Fastify comparisons (see the file comment). */
export async function run(context: BenchContext): Promise<void> {
	const launcher = fixedLayout();
	const temp = tempDir('pf-bench-');
	const socket = join(temp.dir, 'h.sock');
	try {
		for (const [id, other, limit] of [
			['fastify-throughput', 'bare', 0.97],
			['fastify-vs-fastify-metrics', 'fastify-metrics', 0.99],
		] as const) {
			let result: PairResult;
			try {
				result = await comparePair(context, other, launcher, socket);
			} catch (error) {
				context.notMeasured({id, limit, direction: 'min', unit: 'x', reason: error instanceof Error ? error.message : String(error)});
				continue;
			}
			context.row({name: `${other}, requests/s (reference)`, value: median(result.rps.other), unit: 'req/s', ratio: 1});
			context.row({name: 'perftop/fastify (socket, samplers, client at 1 Hz), requests/s', value: median(result.rps.perftop), unit: 'req/s', ratio: median(result.rps.perftop) / median(result.rps.other)});
			if (result.cpuRatios.length > 0) context.row({name: `CPU per request (every thread), perftop / ${other}`, value: median(result.cpuRatios), unit: 'x', note: 'from /proc, median of per-round ratios; includes the monitor\'s fixed work per second (samplers, snapshots), so it reads high at low request rates'});
			context.goal({
				id,
				measured: median(result.ratios),
				limit,
				direction: 'min',
				unit: 'x',
				note: `perftop / ${other} requests/s, both loaded together (${CONCURRENCY} keep-alive workers each); median of per-round ratios (${context.rounds} rounds, fresh processes each; middle half ${middleHalf(result.ratios)})${launcher.length > 0 ? '' : '; with address-space randomization'}`,
			});
		}
	} finally {
		temp.remove();
	}
}
