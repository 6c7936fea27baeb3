/**
 * Bench section `sampler`: what sampling costs the host. CPU of sampling at 1 Hz with a client attached
 * (process + system sampler) against the same process with no sampler, and the host's event-loop delay with
 * the system sampler running at its attached rate (1 Hz; the goal) and at 10 Hz (a stress run that makes
 * any blocking show) against no sampler and against the naive way (systeminformation called on the main
 * thread at 10 Hz). Periods are interleaved within each round, in an order that rotates from round to round
 * (so no subject always runs first, or right after the same neighbour); figures are medians over rounds.
 */
import {createRequire} from 'node:module';
import {monitorEventLoopDelay, performance} from 'node:perf_hooks';
import {Faults} from '../../source/host/faults/faults.js';
import {Samplers, type SamplerOptions} from '../../source/host/samplers/index.js';
import {median, type BenchContext, type BenchSection} from './harness.js';

type Si = typeof import('systeminformation');
type Stop = () => Promise<void>;
type Subject = (() => Stop) | null;

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
const HISTOGRAM_RESOLUTION_MS = 1;

function ours(options: SamplerOptions): Subject {
	return () => {
		const samplers = new Samplers(options, new Faults(() => {}));
		samplers.start();
		samplers.setWatched(true);
		return () => samplers.stop();
	};
}

/** The naive way: systeminformation on the main thread (execSync in currentLoad, df in fsSize). */
function naive(si: Si, intervalMs: number): Subject {
	return () => {
		let ticks = 0;
		let busy: Promise<unknown> = Promise.resolve();
		const timer = setInterval(() => {
			const disks = ticks++ % Math.round(15_000 / intervalMs) === 0;
			busy = Promise.all([si.currentLoad(), si.mem(), disks ? si.fsSize() : null]).catch(() => {});
		}, intervalMs);
		return async () => {
			clearInterval(timer);
			await busy;
		};
	};
}

interface PeriodResult {
	cpuPercent: number;
	p99Ms: number;
	maxMs: number;
}

/** Runs `subject` for `ms` and measures process CPU (all threads) and, optionally, event-loop delay. */
async function period(subject: Subject, ms: number, loopDelay: boolean): Promise<PeriodResult> {
	const stop = subject?.() ?? null;
	// Let start-up work (first samples, worker start) pass before measuring the steady state.
	await sleep(300);
	const histogram = loopDelay ? monitorEventLoopDelay({resolution: HISTOGRAM_RESOLUTION_MS}) : null;
	histogram?.enable();
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	await sleep(ms);
	const cpu = process.cpuUsage(cpuBefore);
	const elapsed = performance.now() - started;
	histogram?.disable();
	await stop?.();
	const delay = (ns: number) => Math.max(0, ns / 1e6 - HISTOGRAM_RESOLUTION_MS);
	return {
		cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
		p99Ms: histogram ? delay(histogram.percentile(99)) : Number.NaN,
		maxMs: histogram ? delay(histogram.max) : Number.NaN,
	};
}

/** CPU per sample, µs, from back-to-back samples (all threads). */
async function perSample(options: SamplerOptions, watched: boolean, count: number): Promise<number> {
	const samplers = new Samplers(options, new Faults(() => {}));
	samplers.setWatched(watched);
	for (let i = 0; i < 5; i++) await samplers.sampleNow();
	const before = process.cpuUsage();
	for (let i = 0; i < count; i++) await samplers.sampleNow();
	const cpu = process.cpuUsage(before);
	await samplers.stop();
	return (cpu.user + cpu.system) / count;
}

/** `names` starting at position `round` (mod its length), wrapping around. */
function rotated<T>(names: readonly T[], round: number): T[] {
	const shift = round % names.length;
	return [...names.slice(shift), ...names.slice(0, shift)];
}

async function run(ctx: BenchContext): Promise<void> {
	const si = createRequire(import.meta.url)('systeminformation') as Si;
	const count = ctx.quick ? 50 : 200;
	const perProcess = await perSample({system: false}, false, count);
	const perProc = await perSample({system: {source: 'proc', diskIntervalMs: 0}}, true, count);
	const perWorker = await perSample({system: {source: 'worker', diskIntervalMs: 0}}, true, Math.min(count, 50));
	ctx.row({name: 'one process sample (memory, CPU, event loop, GC), CPU', value: perProcess, unit: 'µs'});
	ctx.row({name: 'one process + system sample, /proc source (disks every time)', value: perProc, unit: 'µs'});
	ctx.row({name: 'one process + system sample, worker source (disks every time)', value: perWorker, unit: 'µs', note: 'all threads'});

	const cpuMs = ctx.quick ? 3000 : 5000;
	const loopMs = ctx.quick ? 1500 : 3000;
	const attached = ours({intervalMs: 1000, system: {source: 'proc'}});
	const attachedWorker = ours({intervalMs: 1000, system: {source: 'worker'}});
	const fast = ours({intervalMs: 100, system: {source: 'proc'}});
	const fastWorker = ours({intervalMs: 100, system: {source: 'worker'}});
	const cpuSubjects = {off: null, ours: attached, worker: attachedWorker};
	const loopSubjects = {off: null, attached, ours: fast, worker: fastWorker, naive: naive(si, 100)};
	const cpu = {off: [] as number[], ours: [] as number[], worker: [] as number[]};
	const loop = {off: [] as PeriodResult[], attached: [] as PeriodResult[], ours: [] as PeriodResult[], worker: [] as PeriodResult[], naive: [] as PeriodResult[]};
	for (let round = 0; round < ctx.rounds; round++) {
		for (const name of rotated(Object.keys(cpuSubjects) as Array<keyof typeof cpuSubjects>, round)) cpu[name].push((await period(cpuSubjects[name], cpuMs, false)).cpuPercent);
		for (const name of rotated(Object.keys(loopSubjects) as Array<keyof typeof loopSubjects>, round)) loop[name].push(await period(loopSubjects[name], loopMs, true));
	}
	const added = (list: number[]) => median(list.map((value, i) => value - cpu.off[i]!));
	ctx.row({name: 'process CPU, no sampler (reference)', value: median(cpu.off), unit: '%'});
	ctx.row({name: 'added CPU, sampling at 1 Hz attached (/proc system source)', value: added(cpu.ours), unit: '%'});
	ctx.row({name: 'added CPU, sampling at 1 Hz attached (worker system source)', value: added(cpu.worker), unit: '%'});

	const p99 = (list: PeriodResult[]) => median(list.map(result => result.p99Ms));
	const max = (list: PeriodResult[]) => median(list.map(result => result.maxMs));
	const addedP99 = (list: PeriodResult[]) => median(list.map((result, i) => result.p99Ms - loop.off[i]!.p99Ms));
	ctx.row({name: 'host loop delay p99 / max, no sampler', value: p99(loop.off), unit: 'ms', note: `max ${max(loop.off).toFixed(2)} ms`});
	ctx.row({name: 'host loop delay p99 / max, sampler at 1 Hz, /proc source', value: p99(loop.attached), unit: 'ms', note: `max ${max(loop.attached).toFixed(2)} ms`});
	ctx.row({name: 'host loop delay p99 / max, sampler at 10 Hz, /proc source', value: p99(loop.ours), unit: 'ms', note: `max ${max(loop.ours).toFixed(2)} ms`});
	ctx.row({name: 'host loop delay p99 / max, sampler at 10 Hz, worker source', value: p99(loop.worker), unit: 'ms', note: `max ${max(loop.worker).toFixed(2)} ms`});
	ctx.row({name: 'host loop delay p99 / max, systeminformation on main thread', value: p99(loop.naive), unit: 'ms', note: `max ${max(loop.naive).toFixed(2)} ms (the naive way)`});

	ctx.goal({id: 'sampler-cpu', measured: added(cpu.ours), limit: 0.5, unit: '%', note: 'added CPU of one core, 1 Hz attached, process + system'});
	ctx.goal({id: 'sampler-loop-delay', measured: addedP99(loop.attached), limit: 1, unit: 'ms', note: 'added host loop-delay p99, process + system sampler at 1 Hz attached vs off'});
	ctx.log(`added loop-delay p99 at 10 Hz (stress): /proc source ${addedP99(loop.ours).toFixed(3)} ms, worker source ${addedP99(loop.worker).toFixed(3)} ms, systeminformation on the main thread ${addedP99(loop.naive).toFixed(3)} ms`);
}

export const section: BenchSection = {
	name: 'sampler',
	description: 'cost of process/system sampling to the host: CPU at 1 Hz attached, added event-loop delay',
	goals: [
		{id: 'sampler-cpu', limit: 0.5, unit: '%'},
		{id: 'sampler-loop-delay', limit: 1, unit: 'ms'},
	],
	run,
};
