/**
 * Bench section `cache`: what perftop's cache wrapper (stats from lru-cache status objects and dispose
 * reasons) costs over a bare lru-cache with the same options, measured interleaved in the same run with the
 * shared batch timer (process CPU time, see measure.ts). Goal `cache-get-overhead`: a get hit on a perftop
 * cache costs <= 2 x a bare lru-cache get hit.
 */
import {LRUCache} from 'lru-cache';
import {PerformanceMonitor} from '../../source/index.js';
import type {BenchContext, BenchSection} from './harness.js';
import {interleave, medianOf, medianRatio, sinkState, type Batch} from './measure.js';

const KEYS = Array.from({length: 1000}, (_, index) => `user:${index}`);
const TTL_MS = 3_600_000;

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
	goals: [{id: 'cache-get-overhead', limit: 2, unit: 'x'}],
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
			{rounds: context.rounds, calls},
		);
		const async = await interleave({bareFetch: bareFetches(bareFetch), oursFetch: oursFetches(ours)}, {rounds: context.rounds, calls: calls / 10});

		const bareGet = medianOf(sync.bareGet);
		context.row({name: 'reference: bare lru-cache get hit', value: bareGet, unit: 'ns', ratio: 1});
		context.row({name: 'bare lru-cache get hit with a reused {status}', value: medianOf(sync.bareStatusGet), unit: 'ns', ratio: medianRatio(sync.bareStatusGet, sync.bareGet), note: 'what lru-cache charges for filling status'});
		context.row({name: 'perftop cache get hit', value: medianOf(sync.oursGet), unit: 'ns', ratio: medianRatio(sync.oursGet, sync.bareGet)});
		context.row({name: 'bare lru-cache get miss', value: medianOf(sync.bareMiss), unit: 'ns'});
		context.row({name: 'perftop cache get miss', value: medianOf(sync.oursMiss), unit: 'ns', ratio: medianRatio(sync.oursMiss, sync.bareMiss), note: 'ratio to bare miss'});
		context.row({name: 'bare lru-cache set (replace)', value: medianOf(sync.bareSet), unit: 'ns'});
		context.row({name: 'perftop cache set (replace)', value: medianOf(sync.oursSet), unit: 'ns', ratio: medianRatio(sync.oursSet, sync.bareSet), note: 'ratio to bare set'});
		context.row({name: 'bare lru-cache fetch hit (awaited)', value: medianOf(async.bareFetch), unit: 'ns'});
		context.row({name: 'perftop cache fetch hit (awaited)', value: medianOf(async.oursFetch), unit: 'ns', ratio: medianRatio(async.oursFetch, async.bareFetch), note: 'ratio to bare fetch'});
		context.goal({id: 'cache-get-overhead', measured: medianRatio(sync.oursGet, sync.bareGet), limit: 2, unit: 'x', note: 'perftop get hit / bare lru-cache get hit, median of per-round ratios'});

		const stats = ours.getStats();
		if (stats.hits === 0 || stats.misses === 0) context.log(`warning: the perftop cache counted no hits or misses (${sinkState()})`);
		monitor.cacheRegistry.stop();
	},
};
