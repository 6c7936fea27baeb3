/**
 * Bench section `cache`: what perftop's cache wrapper (stats from lru-cache status objects and dispose
 * reasons) costs over a bare lru-cache with the same options, measured interleaved in the same run.
 * Goal `cache-get-overhead`: a get hit on a perftop cache costs <= 2 x a bare lru-cache get hit.
 */
import {LRUCache} from 'lru-cache';
import {PerformanceMonitor} from '../../source/index.js';
import {median, type BenchContext, type BenchSection} from './harness.js';

const KEYS = Array.from({length: 1000}, (_, index) => `user:${index}`);
const TTL_MS = 3_600_000;

type Batch = (n: number) => number | Promise<number>;

let sinkValue = 0;

/** Nanoseconds per call of one batch. */
async function timeBatch(batch: Batch, calls: number): Promise<number> {
	const start = process.hrtime.bigint();
	const result = batch(calls);
	const value = typeof result === 'number' ? result : await result;
	const elapsed = Number(process.hrtime.bigint() - start);
	sinkValue = (sinkValue + value) | 0;
	return elapsed / calls;
}

/**
 * Every round runs each subject `reps` times in a rotating order and keeps its fastest batch (other
 * processes only ever add time). Returns ns per call per round for each subject.
 */
async function interleave<N extends string>(subjects: Record<N, Batch>, rounds: number, calls: number, reps = 3): Promise<Record<N, number[]>> {
	const names = Object.keys(subjects) as N[];
	for (let warm = 0; warm < 3; warm++) for (const name of names) await timeBatch(subjects[name], calls);
	const times = Object.fromEntries(names.map(name => [name, [] as number[]])) as Record<N, number[]>;
	for (let round = 0; round < rounds; round++) {
		const order = names.map((_, index) => names[(index + round) % names.length]!);
		const best = new Map<N, number>();
		for (let rep = 0; rep < reps; rep++) {
			for (const name of order) {
				const ns = await timeBatch(subjects[name], calls);
				best.set(name, Math.min(best.get(name) ?? Number.POSITIVE_INFINITY, ns));
			}
		}
		for (const name of names) times[name].push(best.get(name)!);
	}
	return times;
}

/** Median over rounds of subject / reference, both measured in the same round. */
function medianRatio(subject: number[], reference: number[]): number {
	return median(subject.map((value, index) => value / reference[index]!));
}

function filledLru(options: {fetchMethod?: LRUCache.Fetcher<string, {id: string}>} = {}): LRUCache<string, {id: string}> {
	const cache = new LRUCache<string, {id: string}>({max: 1000, ttl: TTL_MS, ...options});
	for (const key of KEYS) cache.set(key, {id: key});
	return cache;
}

// One function per subject, so that every call site sees one receiver type.

function bareGets(cache: LRUCache<string, {id: string}>): Batch {
	return n => {
		let found = 0;
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) if (cache.get(KEYS[k]!) !== undefined) found++;
		return found;
	};
}

function bareStatusGets(cache: LRUCache<string, {id: string}>): Batch {
	const status: LRUCache.Status<string, {id: string}> = {};
	const options = {status};
	return n => {
		let found = 0;
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) {
			cache.get(KEYS[k]!, options);
			if (status.get === 'hit') found++;
		}
		return found;
	};
}

function oursGets(cache: {get(key: string): {id: string} | undefined}): Batch {
	return n => {
		let found = 0;
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) if (cache.get(KEYS[k]!) !== undefined) found++;
		return found;
	};
}

function bareMisses(cache: LRUCache<string, {id: string}>): Batch {
	return n => {
		let found = 0;
		for (let i = 0; i < n; i++) if (cache.get('absent') === undefined) found++;
		return found;
	};
}

function oursMisses(cache: {get(key: string): {id: string} | undefined}): Batch {
	return n => {
		let found = 0;
		for (let i = 0; i < n; i++) if (cache.get('absent') === undefined) found++;
		return found;
	};
}

function bareSets(cache: LRUCache<string, {id: string}>, values: Array<{id: string}>): Batch {
	return n => {
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) cache.set(KEYS[k]!, values[(i & 1) * 1000 + k]!);
		return cache.size;
	};
}

function oursSets(cache: {set(key: string, value: {id: string}): unknown; readonly size: number}, values: Array<{id: string}>): Batch {
	return n => {
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) cache.set(KEYS[k]!, values[(i & 1) * 1000 + k]!);
		return cache.size;
	};
}

function bareFetches(cache: LRUCache<string, {id: string}>): Batch {
	return async n => {
		let found = 0;
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) if ((await cache.fetch(KEYS[k]!)) !== undefined) found++;
		return found;
	};
}

function oursFetches(cache: {fetch(key: string): Promise<{id: string}>}): Batch {
	return async n => {
		let found = 0;
		for (let i = 0, k = 0; i < n; i++, k = k === 999 ? 0 : k + 1) if ((await cache.fetch(KEYS[k]!)) !== undefined) found++;
		return found;
	};
}

export const section: BenchSection = {
	name: 'cache',
	description: 'perftop cache (stats via lru-cache status + dispose) vs bare lru-cache, same options (max 1000, ttl 1 h)',
	async run(context: BenchContext): Promise<void> {
		const monitor = new PerformanceMonitor({samplers: false, alerts: false});
		const load = (key: string) => ({id: key});
		const ours = monitor.createCache<string, {id: string}>('bench', {load});
		for (const key of KEYS) ours.set(key, {id: key});
		const bare = filledLru();
		const bareStatus = filledLru();
		const bareFetch = filledLru({fetchMethod: key => ({id: key})});
		const bareSet = filledLru();
		const oursSet = monitor.createCache<string, {id: string}>('bench-set');
		const values = [...KEYS, ...KEYS].map(key => ({id: key}));

		const calls = context.quick ? 200_000 : 1_000_000;
		const sync = await interleave(
			{
				bareGet: bareGets(bare),
				bareStatusGet: bareStatusGets(bareStatus),
				oursGet: oursGets(ours),
				bareMiss: bareMisses(bare),
				oursMiss: oursMisses(ours),
				bareSet: bareSets(bareSet, values),
				oursSet: oursSets(oursSet, values),
			},
			context.rounds,
			calls,
		);
		const async = await interleave({bareFetch: bareFetches(bareFetch), oursFetch: oursFetches(ours)}, context.rounds, calls / 10);

		const bareGet = median(sync.bareGet);
		context.row({name: 'reference: bare lru-cache get hit', value: bareGet, unit: 'ns', ratio: 1});
		context.row({name: 'bare lru-cache get hit with a reused {status}', value: median(sync.bareStatusGet), unit: 'ns', ratio: medianRatio(sync.bareStatusGet, sync.bareGet), note: 'what lru-cache charges for filling status'});
		context.row({name: 'perftop cache get hit', value: median(sync.oursGet), unit: 'ns', ratio: medianRatio(sync.oursGet, sync.bareGet)});
		context.row({name: 'bare lru-cache get miss', value: median(sync.bareMiss), unit: 'ns'});
		context.row({name: 'perftop cache get miss', value: median(sync.oursMiss), unit: 'ns', ratio: medianRatio(sync.oursMiss, sync.bareMiss), note: 'ratio to bare miss'});
		context.row({name: 'bare lru-cache set (replace)', value: median(sync.bareSet), unit: 'ns'});
		context.row({name: 'perftop cache set (replace)', value: median(sync.oursSet), unit: 'ns', ratio: medianRatio(sync.oursSet, sync.bareSet), note: 'ratio to bare set'});
		context.row({name: 'bare lru-cache fetch hit (awaited)', value: median(async.bareFetch), unit: 'ns'});
		context.row({name: 'perftop cache fetch hit (awaited)', value: median(async.oursFetch), unit: 'ns', ratio: medianRatio(async.oursFetch, async.bareFetch), note: 'ratio to bare fetch'});
		context.goal({id: 'cache-get-overhead', measured: medianRatio(sync.oursGet, sync.bareGet), limit: 2, unit: 'x', note: 'perftop get hit / bare lru-cache get hit, median of per-round ratios'});

		const stats = ours.getStats();
		if (stats.hits === 0 || stats.misses === 0) context.log(`warning: the perftop cache counted no hits or misses (${sinkValue})`);
		monitor.cacheRegistry.stop();
	},
};
