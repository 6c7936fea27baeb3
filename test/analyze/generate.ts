/**
 * Generates a realistic perf log (schema 1) of a given size: summaries for plugins x hooks every interval,
 * with slow calls, process samples and alerts in between. Deterministic (seeded), so tests can compute the
 * expected per-plugin totals while generating.
 */
import {createWriteStream} from 'node:fs';
import {bucketIndex} from '../../source/protocol/histogram.js';
import {seededRandom as random} from '../helpers/random.js';

export interface GenerateOptions {
	bytes: number;
	plugins?: number;
	hooks?: number;
	intervalMs?: number;
	startTime?: number;
	seed?: number;
}

export interface Generated {
	bytes: number;
	lines: number;
	/** Calls per plugin, as written. */
	calls: Map<string, number>;
	errors: Map<string, number>;
}


/** Writes the log to `path`. */
export async function generateLog(path: string, options: GenerateOptions): Promise<Generated> {
	const plugins = options.plugins ?? 40;
	const hooks = options.hooks ?? 5;
	const intervalMs = options.intervalMs ?? 10_000;
	let time = options.startTime ?? Date.UTC(2025, 0, 1);
	const rand = random(options.seed ?? 1);
	const out = createWriteStream(path, {highWaterMark: 1 << 20});
	const result: Generated = {bytes: 0, lines: 0, calls: new Map(), errors: new Map()};
	const head = (ev: string) => `{"level":30,"time":${time},"pid":4242,"hostname":"bench","perftop":1,"ev":"${ev}"`;
	let chunk = '';
	const emit = async (line: string) => {
		chunk += line + '\n';
		result.lines++;
		if (chunk.length >= 1 << 20) {
			result.bytes += Buffer.byteLength(chunk);
			if (!out.write(chunk)) await new Promise<void>(resolve => out.once('drain', () => resolve()));
			chunk = '';
		}
	};
	const pool = summaryPool(rand, 256);
	for (let p = 0; p < plugins; p++) await emit(`${head('plugin.load')},"plugin":"plugin-${p}","state":"loaded","source":"./plugins/${p}.js","loadMs":${(rand() * 200).toFixed(3)},"loadBytes":${Math.floor(rand() * 5e6)},"loadMemoryMode":"heap-delta","error":null}`);
	while (result.bytes + chunk.length < options.bytes) {
		const from = time;
		time += intervalMs;
		for (let p = 0; p < plugins; p++) {
			const plugin = `plugin-${p}`;
			for (let k = 0; k < hooks; k++) {
				const body = pool[(p * hooks + k + Math.floor(rand() * 8)) % pool.length]!;
				result.calls.set(plugin, (result.calls.get(plugin) ?? 0) + body.count);
				result.errors.set(plugin, (result.errors.get(plugin) ?? 0) + body.errors);
				await emit(`${head('summary')},"op":"hook-${k}","plugin":"${plugin}","kind":"hook","from":${from}${body.tail}`);
			}
			if (rand() < 0.05) await emit(`${head('call.slow')},"op":"hook-0","plugin":"${plugin}","ms":${(1000 + rand() * 3000).toFixed(3)},"at":${time},"suppressed":0}`);
		}
		await emit(`${head('process')},"rss":${Math.floor(8e7 + rand() * 2e7)},"heapUsed":${Math.floor(3e7 + rand() * 1e7)},"heapTotal":60000000,"external":1000000,"arrayBuffers":10000,"cpuPercent":${(rand() * 100).toFixed(2)},"elu":0.2}`);
		if (rand() < 0.01) await emit(`${head('alert')},"id":"response:plugin-1","rule":"response","subject":"plugin-1","message":"p95 over 1000 ms","value":1200,"threshold":1000,"since":${time},"state":"active","resolvedAt":null}`);
	}
	result.bytes += Buffer.byteLength(chunk);
	out.end(chunk);
	await new Promise<void>((resolve, reject) => {
		out.once('finish', resolve);
		out.once('error', reject);
	});
	return result;
}

/** Summary bodies (everything after `from`) with realistic histograms, reused across lines for speed. */
function summaryPool(rand: () => number, size: number): Array<{count: number; errors: number; tail: string}> {
	const pool: Array<{count: number; errors: number; tail: string}> = [];
	for (let entry = 0; entry < size; entry++) {
		const count = 1 + Math.floor(rand() * 400);
		const buckets = new Map<number, number>();
		let min = Infinity;
		let max = 0;
		let total = 0;
		const scale = 2e5 * (1 + (entry % 7)) * (1 + (entry % 5));
		for (let c = 0; c < count; c++) {
			const ns = Math.floor(scale * (0.2 + rand() * rand() * 4));
			const index = bucketIndex(ns);
			buckets.set(index, (buckets.get(index) ?? 0) + 1);
			if (ns < min) min = ns;
			if (ns > max) max = ns;
			total += ns;
		}
		const errors = rand() < 0.1 ? 1 : 0;
		const h = [...buckets.entries()].sort((a, b) => a[0] - b[0]).flat();
		pool.push({count, errors, tail: `,"count":${count},"errors":${errors},"slow":0,"totalMs":${total / 1e6},"minMs":${min / 1e6},"maxMs":${max / 1e6},"p50Ms":null,"p95Ms":null,"p99Ms":null,"h":[${h.join(',')}]}`});
	}
	return pool;
}
