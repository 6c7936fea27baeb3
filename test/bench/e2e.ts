/**
 * Bench section `e2e`: the example host (plugins-example, an orders service whose features are plugins)
 * under closed-loop load, fully monitored (socket served, perf log written, samplers on, one client
 * subscribed at 1 Hz) against the same host with monitoring off (enabled: false, no socket, no samplers).
 *
 * Every round starts a fresh pair of host processes (on databases seeded once) and warms both up. Then it
 * loads one, then the other, in alternating order (A B B A ...), for the same time with the same request
 * sequence ("in turns"), and last both at once, each by its own workers with the same request sequence
 * ("together"). The throughput goal is taken from the together phase: both hosts are measured at the same
 * moments, so drift in the machine's load cancels (its per-round ratios spread about half as much as those
 * in turns; the rows print both spreads), and they share the cores, so extra CPU on any of the monitored
 * host's threads costs it requests (in turns, a host alone has a spare core for its helper threads). The
 * in-turns ratio is reported as a row. Fresh processes matter more than anything else here: identical
 * unmonitored hosts differ by several per cent in CPU per request from one process to the next (JIT
 * decisions, heap layout), and that difference stays for the life of the process. With one pair for the whole section the result was that
 * pair's luck; with a pair per round the median of the per-round ratios is not.
 *
 * RSS is sampled from /proc for both hosts every 250 ms through the measured part of each round (the host
 * is not asked, so the sampling costs it nothing), and a round's figure is the median of its samples: one
 * reading lands anywhere on the sawtooth of garbage collection and of the new space growing and shrinking.
 * The single reading after each round (from /health) is reported too.
 *
 * The co-goal e2e-cpu-per-request is the hosts' whole-process CPU (every thread, from /proc) per request
 * answered, monitored / unmonitored, from the same together phase.
 *
 * The bench process itself is the load generator: both hosts' workers and the 1 Hz client share its one
 * event loop. Its CPU is recorded through each together phase (main thread from /proc, where the event loop
 * runs; process.cpuUsage elsewhere); when the median round has it above 80 % of a core, the generator may be
 * what limits the requests, and the run is NOT VALID: its goals do not hold, whatever their figures. Before
 * the rounds, the reference host's set-up (enabled: false) is started in a process of its own and loaded
 * briefly, to check that it is perftop-free in effect: no series, no caches registered, no socket. If it is
 * not, the goals are not valid either.
 *
 * The leaky plugin is left out of both hosts (its retention grows with the requests served and would swamp
 * the RSS comparison) and the slow plugin's route is left out of the mix (its random sleeps hold workers
 * and add noise to a throughput figure); every other plugin is exercised.
 */
import {spawnSync} from 'node:child_process';
import {arch} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {setTimeout as sleep} from 'node:timers/promises';
import {startLoad, type RequestMix} from '../../plugins-example/app/load.js';
import {startHost, tempDir, TSX_LOADER, watch, type HostProcess} from '../../plugins-example/test/helpers/host-process.js';
import {median, type BenchSection} from './harness.js';
import {ownCpuMicros, ownMainThreadCpuMicros, procCpuTicks, procRss} from './proc.js';

const CONCURRENCY = 8;
const MIX: RequestMix = {recommend: 0, activity: 0};
/** The hosts' plugins this bench leaves out (see the file comment). */
const EXCLUDED = ['activity-feed'];
/** Both hosts: no leaky plugin, no built-in load (the bench is the load). */
const HOST_ARGS = [...EXCLUDED.flatMap(name => ['--exclude', name]), '--rate', '0'];

async function rssOf(host: HostProcess): Promise<number> {
	const response = await fetch(`${host.ready.url}/health`);
	return ((await response.json()) as {rss: number}).rss;
}

/** Above this share of one core, the bench process (the load generator) may limit the requests it sends. */
const LOAD_GENERATOR_LIMIT = 0.8;

/** Samples both hosts' RSS on a timer until stopped; returns the medians of the samples. */
function sampleRss(monitored: HostProcess, unmonitored: HostProcess, everyMs: number): () => {monitored: number; unmonitored: number} | null {
	const samples = {monitored: [] as number[], unmonitored: [] as number[]};
	const take = () => {
		const m = procRss(monitored.child.pid);
		const u = procRss(unmonitored.child.pid);
		if (m !== null && u !== null) {
			samples.monitored.push(m);
			samples.unmonitored.push(u);
		}
	};
	take();
	const timer = setInterval(take, everyMs);
	return () => {
		clearInterval(timer);
		take();
		return samples.monitored.length === 0 ? null : {monitored: median(samples.monitored), unmonitored: median(samples.unmonitored)};
	};
}

/**
 * Starts measuring this process's CPU: the load generators and the 1 Hz client share its event loop. The
 * returned stop gives the share of one core used since: the main thread's (from /proc) where that can be
 * read, else the whole process's (process.cpuUsage, every thread).
 */
function loadGeneratorCpu(): () => {share: number; source: 'main thread' | 'whole process'} {
	const startedAt = performance.now();
	const main = ownMainThreadCpuMicros();
	const whole = ownCpuMicros();
	return () => {
		const wallMicros = (performance.now() - startedAt) * 1000;
		const mainNow = main === null ? null : ownMainThreadCpuMicros();
		if (main !== null && mainNow !== null) return {share: (mainNow - main) / wallMicros, source: 'main thread'};
		return {share: (ownCpuMicros() - whole) / wallMicros, source: 'whole process'};
	};
}

/**
 * Starts the reference host's set-up (enabled: false) in a process of its own (test/fixtures/hosts/
 * reference-check.ts), loads it briefly, and says what of perftop is left in it: series recorded, caches
 * registered, a socket. An empty list: perftop-free in effect.
 */
async function perftopLeftInReference(dataDir: string): Promise<string[]> {
	const script = fileURLToPath(new URL('../fixtures/hosts/reference-check.ts', import.meta.url));
	const run = spawnSync(process.execPath, ['--import', TSX_LOADER, '--conditions=source', script, dataDir, ...EXCLUDED], {encoding: 'utf8', timeout: 180_000});
	if (run.status !== 0) throw new Error(`the reference host check failed (${run.signal ?? `exit ${run.status}`}): ${run.stderr.trim().split('\n').at(-1) ?? ''}`);
	const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {answered: number; left: string[]};
	return result.answered > 0 ? result.left : ['it answered no request', ...result.left];
}

interface Measured {
	answered: number;
	elapsedMs: number;
	failed: number;
	mainTicks: number | null;
	processTicks: number | null;
}

async function measure(host: HostProcess, durationMs: number, seed: number): Promise<Measured> {
	const pid = host.child.pid;
	const ticks = (): Array<number | null> => [procCpuTicks(pid, {mainThread: true}), procCpuTicks(pid)];
	const before = ticks();
	const load = startLoad({url: host.ready.url, concurrency: CONCURRENCY, mix: MIX, seed});
	await sleep(durationMs);
	const stats = await load.stop();
	const after = ticks();
	const spent = (index: number): number | null => (before[index] == null || after[index] == null ? null : after[index]! - before[index]!);
	return {answered: stats.ok + stats.clientErrors + stats.serverErrors, elapsedMs: stats.elapsedMs, failed: stats.failed, mainTicks: spent(0), processTicks: spent(1)};
}

type Mode = 'monitored' | 'unmonitored';

/** The middle half of per-round ratios, as text ("0.95-1.02"): how far single rounds spread. */
function middleHalf(values: number[]): string {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return `${at(0.25).toFixed(3)}-${at(0.75).toFixed(3)}`;
}

/**
 * `setarch <arch> -R` where it works: the hosts start without address-space randomization. Which addresses a
 * process gets moves its speed by several per cent (identical unmonitored hosts started side by side spread
 * about twice as much with randomization as without), the same for both modes, so turning it off only
 * removes noise. Elsewhere the hosts start as usual.
 */
function fixedLayoutLauncher(): string[] {
	const launcher = ['setarch', arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch(), '-R'];
	const probe = spawnSync(launcher[0]!, [...launcher.slice(1), 'true'], {stdio: 'ignore'});
	return probe.status === 0 ? launcher : [];
}

/**
 * Environment of both hosts. glibc gives threads their own malloc arenas (up to 8 per core), and how much each
 * arena keeps after the threads that used it (V8's compiler and GC helpers, the libuv pool) free their memory is
 * luck: the RSS of identical unmonitored hosts under the same load spread over several MiB with the default
 * and over about a tenth of that with MALLOC_ARENA_MAX=2, while their V8 heaps hardly differed either way. Two
 * arenas, the same for both modes, take that out of the RSS comparison (musl and other allocators ignore the
 * variable). PERFTOP_E2E_DEFAULT_MALLOC=1 keeps the default.
 */
function hostEnv(): Record<string, string> {
	return process.env.PERFTOP_E2E_DEFAULT_MALLOC === '1' ? {} : {MALLOC_ARENA_MAX: '2'};
}

/** Starts the pair of hosts one round compares. */
async function startPair(dirs: {monitored: string; unmonitored: string; socket: string; log: string}, launcher: string[]): Promise<Record<Mode, HostProcess>> {
	const env = hostEnv();
	const pending = [
		startHost([...HOST_ARGS, '--data-dir', dirs.monitored, '--socket', dirs.socket, '--log-dir', dirs.log], {timeoutMs: 120_000, launcher, env}),
		startHost([...HOST_ARGS, '--data-dir', dirs.unmonitored, '--unmonitored'], {timeoutMs: 120_000, launcher, env}),
	] as const;
	const [monitored, unmonitored] = await Promise.allSettled(pending);
	if (monitored.status === 'fulfilled' && unmonitored.status === 'fulfilled') return {monitored: monitored.value, unmonitored: unmonitored.value};
	await Promise.all([monitored, unmonitored].map(result => (result.status === 'fulfilled' ? result.value.stop() : null)));
	throw (monitored.status === 'rejected' ? monitored.reason : (unmonitored as PromiseRejectedResult).reason) as Error;
}

export const section: BenchSection = {
	name: 'e2e',
	description: `plugins-example under closed-loop load (${CONCURRENCY} workers): monitored + client at 1 Hz vs unmonitored, a fresh pair of hosts per round`,
	goals: [
		{id: 'e2e-throughput', limit: 0.97, direction: 'min', unit: 'x'},
		{id: 'e2e-cpu-per-request', limit: 1.03, unit: 'x'},
		{id: 'e2e-rss', limit: 1.05, unit: 'x'},
	],
	async run(ctx) {
		const temp = tempDir('pe-bench-');
		const dirs = {monitored: join(temp.dir, 'm'), unmonitored: join(temp.dir, 'u'), socket: join(temp.dir, 'h.sock'), log: join(temp.dir, 'log')};
		let pair: Record<Mode, HostProcess> | null = null;
		let watcher: ReturnType<typeof watch> | null = null;
		const launcher = fixedLayoutLauncher();
		ctx.log(launcher.length > 0 ? `hosts start with ${launcher.join(' ')} (no address-space randomization)` : 'setarch -R not available: hosts start with address-space randomization (noisier)');
		const env = Object.entries(hostEnv()).map(([key, value]) => `${key}=${value}`);
		ctx.log(env.length > 0 ? `hosts' environment: ${env.join(' ')} (both modes)` : "hosts' environment: the allocator's defaults (PERFTOP_E2E_DEFAULT_MALLOC=1)");
		try {
			// The first start seeds each database; later rounds open them as they are.
			for (const dir of [dirs.monitored, dirs.unmonitored]) await (await startHost([...HOST_ARGS, '--data-dir', dir, '--unmonitored'], {timeoutMs: 120_000})).stop();
			// On a database of its own: the check's requests must not change the one the reference host serves.
			const perftopLeft = await perftopLeftInReference(join(temp.dir, 'check'));
			ctx.log(perftopLeft.length === 0 ? 'reference host (enabled: false) checked: no series, no caches, no socket after load' : `reference host is not perftop-free: ${perftopLeft.join('; ')}`);

			// Each round interleaves short slices (A B B A ...) so that drift in machine load hits both alike.
			const sliceMs = ctx.quick ? 500 : 1000;
			const slicesPerMode = ctx.quick ? 2 : 4;
			const warmupMs = ctx.quick ? 3000 : 12_000;
			// Fresh processes differ by a few per cent among themselves, so more pairs than other sections' rounds.
			const pairs = ctx.quick ? ctx.rounds : ctx.rounds * 2;
			const rps = {monitored: [] as number[], unmonitored: [] as number[], ratio: [] as number[]};
			const rss = {monitored: [] as number[], unmonitored: [] as number[], ratio: [] as number[]};
			const after = {monitored: [] as number[], unmonitored: [] as number[], ratio: [] as number[]};
			const cpuRatio: number[] = [];
			const concurrent = {ratio: [] as number[], cpu: [] as number[], generator: [] as number[]};
			let generatorSource = 'main thread';
			const concurrentMs = ctx.quick ? 2000 : 8000;
			let failed = 0;
			let snapshots = 0;
			let series = 0;
			for (let round = 0; round < pairs; round++) {
				pair = await startPair(dirs, launcher);
				const hosts = pair;
				if (!hosts.monitored.ready.socket) throw new Error('the monitored host serves no socket');
				watcher = watch(hosts.monitored.ready.socket, 1000);
				await watcher.until(() => true, 10_000, 'the first snapshot');
				watcher.client.onSnapshot(() => snapshots++);
				// Warm-up, both hosts at once (fairness does not matter here): JIT, statement caches, query cache,
				// receipts on disk, and perftop's once-a-second work run often enough to be compiled.
				await Promise.all([measure(hosts.monitored, warmupMs, 99), measure(hosts.unmonitored, warmupMs, 99)]);

				const answered = {monitored: 0, unmonitored: 0};
				const elapsed = {monitored: 0, unmonitored: 0};
				const ticks = {monitored: 0 as number | null, unmonitored: 0 as number | null};
				const stopSampling = sampleRss(hosts.monitored, hosts.unmonitored, 250);
				for (let slice = 0; slice < slicesPerMode * 2; slice++) {
					// A B B A A B B A ..., with A and B swapped every other round.
					const isA = slice % 4 === 0 || slice % 4 === 3;
					const mode: Mode = isA === (round % 2 === 0) ? 'monitored' : 'unmonitored';
					// Each A slice and the B slice next to it send the same request sequence (same seed).
					const result = await measure(hosts[mode], sliceMs, round * 100 + (slice >> 1));
					answered[mode] += result.answered;
					elapsed[mode] += result.elapsedMs;
					failed += result.failed;
					ticks[mode] = ticks[mode] === null || result.mainTicks === null ? null : ticks[mode] + result.mainTicks;
				}
				// Both hosts loaded at once, each by its own workers with the same request sequence: they share the
				// machine's cores, so any extra CPU of either (on any of its threads) costs it requests, and drift in
				// the machine's load hits both at the same moment.
				const generatorCpu = loadGeneratorCpu();
				const [withMonitor, without] = await Promise.all([measure(hosts.monitored, concurrentMs, round * 100 + 50), measure(hosts.unmonitored, concurrentMs, round * 100 + 50)]);
				const generator = generatorCpu();
				concurrent.generator.push(generator.share);
				generatorSource = generator.source;
				failed += withMonitor.failed + without.failed;
				concurrent.ratio.push(withMonitor.answered / withMonitor.elapsedMs / (without.answered / without.elapsedMs));
				if (withMonitor.processTicks !== null && without.processTicks !== null && without.processTicks > 0) {
					concurrent.cpu.push(withMonitor.processTicks / withMonitor.answered / (without.processTicks / without.answered));
				}
				if (ticks.monitored !== null && ticks.unmonitored !== null && ticks.unmonitored > 0) cpuRatio.push(ticks.monitored / answered.monitored / (ticks.unmonitored / answered.unmonitored));
				const monitoredRps = answered.monitored / (elapsed.monitored / 1000);
				const unmonitoredRps = answered.unmonitored / (elapsed.unmonitored / 1000);
				rps.monitored.push(monitoredRps);
				rps.unmonitored.push(unmonitoredRps);
				rps.ratio.push(monitoredRps / unmonitoredRps);
				const sampled = stopSampling();
				after.monitored.push(await rssOf(hosts.monitored));
				after.unmonitored.push(await rssOf(hosts.unmonitored));
				after.ratio.push(after.monitored.at(-1)! / after.unmonitored.at(-1)!);
				// Without /proc, the reading after the round is all there is.
				rss.monitored.push(sampled?.monitored ?? after.monitored.at(-1)!);
				rss.unmonitored.push(sampled?.unmonitored ?? after.unmonitored.at(-1)!);
				rss.ratio.push(rss.monitored.at(-1)! / rss.unmonitored.at(-1)!);
				series = watcher.latest()?.monitor.series ?? series;
				const mib = (bytes: number): string => (bytes / 1048576).toFixed(0);
				ctx.log(`round ${round + 1}: monitored ${monitoredRps.toFixed(0)} req/s ${mib(rss.monitored.at(-1)!)} MiB (after ${mib(after.monitored.at(-1)!)}), unmonitored ${unmonitoredRps.toFixed(0)} req/s ${mib(rss.unmonitored.at(-1)!)} MiB (after ${mib(after.unmonitored.at(-1)!)}), ratio ${rps.ratio.at(-1)!.toFixed(3)}, loaded together ${concurrent.ratio.at(-1)!.toFixed(3)} (load generator ${(generator.share * 100).toFixed(0)} % of a core)`);
				watcher.close();
				watcher = null;
				await Promise.all([hosts.monitored.stop(), hosts.unmonitored.stop()]);
				pair = null;
			}
			ctx.row({name: 'in turns: unmonitored host, requests/s (reference)', value: median(rps.unmonitored), unit: 'req/s', ratio: 1});
			ctx.row({name: 'in turns: monitored host + client at 1 Hz, requests/s', value: median(rps.monitored), unit: 'req/s', ratio: median(rps.monitored) / median(rps.unmonitored), note: `${snapshots} snapshots received, ${series} series`});
			ctx.row({name: 'in turns: monitored / unmonitored requests/s', value: median(rps.ratio), unit: 'x', note: `median of per-round ratios, middle half ${middleHalf(rps.ratio)}`});
			ctx.row({name: 'unmonitored host RSS under load (reference)', value: median(rss.unmonitored) / 1048576, unit: 'MiB', ratio: 1, note: 'median of samples every 250 ms'});
			ctx.row({name: 'monitored host RSS under load', value: median(rss.monitored) / 1048576, unit: 'MiB', ratio: median(rss.monitored) / median(rss.unmonitored)});
			ctx.row({name: 'RSS ratio from one reading after each round', value: median(after.ratio), unit: 'x', note: `monitored ${(median(after.monitored) / 1048576).toFixed(0)} MiB, unmonitored ${(median(after.unmonitored) / 1048576).toFixed(0)} MiB`});
			if (cpuRatio.length > 0) ctx.row({name: 'in turns: main-thread CPU per request, monitored / unmonitored', value: median(cpuRatio), unit: 'x', note: 'from /proc, median of per-round ratios'});
			const generator = median(concurrent.generator);
			ctx.row({name: 'loaded together: load generator (bench process) CPU', value: generator * 100, unit: '%core', note: `${generatorSource}, median of rounds, highest ${(Math.max(...concurrent.generator) * 100).toFixed(0)} %; the run is not valid above ${LOAD_GENERATOR_LIMIT * 100} %`});
			if (failed > 0) ctx.log(`${failed} requests got no answer`);
			const notValid = [
				...(generator > LOAD_GENERATOR_LIMIT ? [`load generator at ${(generator * 100).toFixed(0)} % of a core, above ${LOAD_GENERATOR_LIMIT * 100} %: it may be what limits the requests`] : []),
				...(perftopLeft.length > 0 ? [`the reference host is not perftop-free: ${perftopLeft.join('; ')}`] : []),
			];
			const validity = notValid.length > 0 ? {notValid: notValid.join('; ')} : {};
			ctx.goal({id: 'e2e-throughput', measured: median(concurrent.ratio), limit: 0.97, direction: 'min', unit: 'x', ...validity, note: `monitored / unmonitored requests/s, both loaded together ${concurrentMs / 1000} s per round; median of per-round ratios (${pairs} rounds, fresh hosts each round; middle half ${middleHalf(concurrent.ratio)}); load generator ${(generator * 100).toFixed(0)} % of a core`});
			if (concurrent.cpu.length > 0) {
				ctx.goal({id: 'e2e-cpu-per-request', measured: median(concurrent.cpu), limit: 1.03, unit: 'x', ...validity, note: `whole-process CPU per request (every thread, from /proc), monitored / unmonitored, both loaded together; median of per-round ratios, middle half ${middleHalf(concurrent.cpu)}`});
			} else {
				ctx.notMeasured({id: 'e2e-cpu-per-request', limit: 1.03, unit: 'x', reason: "the hosts' CPU time could not be read from /proc"});
			}
			ctx.goal({id: 'e2e-rss', measured: median(rss.ratio), limit: 1.05, unit: 'x', ...validity, note: 'monitored / unmonitored RSS under load after warm-up (per-round medians of 250 ms samples), median of per-round ratios'});
			if (snapshots === 0) ctx.log('warning: the attached client received no snapshot during the rounds');
		} finally {
			watcher?.close();
			if (pair) await Promise.all([pair.monitored.stop(), pair.unmonitored.stop()]);
			temp.remove();
		}
	},
};
