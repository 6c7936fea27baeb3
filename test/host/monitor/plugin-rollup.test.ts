/**
 * Summaries are cached per series (until the next call, rotation or reset) and per plugin (until one of its
 * series changes), and the recent window is computed from marks of the lifetime histogram. These tests hold
 * the cached, incremental figures to ones computed from scratch after every kind of change.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Faults} from '../../../source/host/faults/faults.js';
import {SeriesRegistry} from '../../../source/host/metrics/registry.js';
import {Series} from '../../../source/host/metrics/series.js';
import {PluginRollup} from '../../../source/host/monitor/plugin-rollup.js';
import type {PluginLoadRecord} from '../../../source/host/monitor/monitor.js';
import {BUCKET_COUNT, bucketIndex, bucketValue, quantileOf} from '../../../source/protocol/histogram.js';
import type {LatencyStats, SeriesSummary} from '../../../source/protocol/snapshot.js';
import {seededRandom} from '../../helpers/random.js';

const MS = 1e6;


/** A duration spread over many powers of two (10 ns .. 1 s), sometimes a repeat of a fixed value. */
function duration(next: () => number): number {
	if (next() < 0.2) return 1500;
	return Math.round(10 * 10 ** (next() * 8));
}

/** Statistics the plain way: every call kept, dense buckets built from scratch, quantileOf from the protocol. */
function plainStats(dense: Float64Array, count: number, errors: number, sumNs: number, minNs: number, maxNs: number, timed: number): LatencyStats {
	const has = timed > 0;
	const q = (p: number) => {
		const value = has ? quantileOf(dense, timed, p, minNs, maxNs) : null;
		return value === null ? null : value / MS;
	};
	return {count, errors, totalMs: sumNs / MS, minMs: has ? minNs / MS : null, maxMs: has ? maxNs / MS : null, meanMs: has ? sumNs / timed / MS : null, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99)};
}

/** A series kept as the list of its calls, each tagged with the slot it fell in. */
class PlainSeries {
	readonly slots: number;
	calls: Array<{ns: number; error: boolean; slot: number}> = [];
	slot = 0;

	constructor(slots: number) {
		this.slots = slots;
	}

	record(ns: number, error: boolean): void {
		this.calls.push({ns, error, slot: this.slot});
	}

	rotate(): void {
		this.slot++;
	}

	reset(): void {
		this.calls = [];
	}

	summary(windowMs: number): Omit<SeriesSummary, 'op' | 'plugin' | 'kind'> {
		const valid = (ns: number) => ns >= 0 && ns < Infinity;
		const dense = new Float64Array(BUCKET_COUNT);
		let sum = 0;
		let min = Infinity;
		let max = 0;
		let timed = 0;
		for (const call of this.calls) {
			if (!valid(call.ns)) continue;
			timed++;
			sum += call.ns;
			if (call.ns < min) min = call.ns;
			if (call.ns > max) max = call.ns;
			dense[bucketIndex(call.ns)]!++;
		}
		const errors = this.calls.filter(call => call.error).length;
		const inWindow = this.calls.filter(call => call.slot > this.slot - this.slots);
		const recentDense = new Float64Array(BUCKET_COUNT);
		for (const call of inWindow) if (valid(call.ns)) recentDense[bucketIndex(call.ns)]!++;
		let recentCount = 0;
		let recentSum = 0;
		let recentMin = Infinity;
		let recentMax = 0;
		for (let index = 0; index < BUCKET_COUNT; index++) {
			const value = recentDense[index]!;
			if (value === 0) continue;
			recentCount += value;
			recentSum += bucketValue(index) * value;
			recentMin = Math.min(recentMin, bucketValue(index));
			recentMax = bucketValue(index);
		}
		const recentErrors = inWindow.filter(call => call.error).length;
		const seconds = Math.max(windowMs, 1) / 1000;
		return {
			...plainStats(dense, this.calls.length, errors, sum, min, max, timed),
			recent: {...plainStats(recentDense, recentCount, recentErrors, recentSum, recentMin, recentMax, recentCount), windowMs, rate: recentCount / seconds, errorRate: recentErrors / seconds},
			slow: 0,
		};
	}
}

function withoutKey({op: _op, plugin: _plugin, kind: _kind, ...rest}: SeriesSummary): Omit<SeriesSummary, 'op' | 'plugin' | 'kind'> {
	return rest;
}

describe('Series summaries and the recent window', () => {
	for (const seed of [1, 2, 3, 4]) {
		test(`equal a from-scratch computation after every record, error, invalid duration, rotation and reset (seed ${seed})`, () => {
			const next = seededRandom(seed);
			const slots = 1 + Math.floor(next() * 6);
			const series = new Series('op', 'p', 'hook', slots);
			const plain = new PlainSeries(slots);
			for (let step = 0; step < 400; step++) {
				const roll = next();
				let change: string;
				if (roll < 0.55) {
					const ns = duration(next);
					series.record(ns);
					plain.record(ns, false);
					change = `record ${ns}`;
				} else if (roll < 0.7) {
					const ns = duration(next);
					series.recordError(ns);
					plain.record(ns, true);
					change = `error ${ns}`;
				} else if (roll < 0.75) {
					const ns = next() < 0.5 ? Number.NaN : -1;
					const error = next() < 0.5;
					if (error) series.recordError(ns);
					else series.record(ns);
					plain.record(ns, error);
					change = `invalid ${ns}${error ? ' (error)' : ''}`;
				} else if (roll < 0.95) {
					series.rotate();
					plain.rotate();
					change = 'rotate';
				} else if (roll < 0.97) {
					series.reset();
					plain.reset();
					change = 'reset';
				} else change = 'nothing';
				if (next() < 0.4) continue; // several changes between two reads, too
				const windowMs = 1000 + Math.floor(next() * 60_000);
				// Asked twice: the second answer comes from the cache when nothing changed in between.
				assert.deepEqual(withoutKey(series.summary(windowMs)), plain.summary(windowMs), `step ${step} after ${change}`);
				assert.deepEqual(withoutKey(series.summary(windowMs)), plain.summary(windowMs), `step ${step} after ${change}, asked again`);
				const {recent: _recent, slow: _slow, ...lifetime} = plain.summary(windowMs);
				assert.deepEqual(series.stats(), lifetime, `step ${step} after ${change}: lifetime statistics`);
			}
		});
	}

	test('window counts stay exact when a lifetime bucket has passed 2^32 calls', () => {
		const series = new Series('hot', null, 'operation', 3);
		series.record(1000);
		// Stand in for four billion earlier calls of the same duration (recording them one by one would take minutes).
		const index = bucketIndex(1000);
		series.counts[index - series.countsBase] = 2 ** 32 - 1;
		series.count = 2 ** 32 - 1;
		for (let turn = 0; turn < 3; turn++) series.rotate(); // those calls leave the window
		assert.equal(series.summary(10_000).recent.count, 0);
		for (let call = 0; call < 3; call++) series.record(1000);
		assert.equal(series.counts[index - series.countsBase], 2 ** 32 + 2);
		const recent = series.summary(10_000).recent;
		assert.equal(recent.count, 3);
		assert.equal(recent.p99Ms, bucketValue(index) / MS);
		series.rotate();
		series.rotate();
		assert.equal(series.summary(10_000).recent.count, 3, 'the slot of the 3 calls is still in the ring');
		series.rotate();
		assert.equal(series.summary(10_000).recent.count, 0);
		assert.equal(series.stats().count, 2 ** 32 + 2);
	});

	test('after a reset, the same number of new calls is not mistaken for the old ones', () => {
		const series = new Series('op', null, 'operation', 6);
		for (const ms of [1, 2, 3]) series.record(ms * MS);
		assert.equal(series.summary(10_000).maxMs, 3);
		series.reset();
		for (const ms of [7, 8, 9]) series.record(ms * MS);
		const summary = series.summary(10_000);
		assert.equal(summary.count, 3);
		assert.equal(summary.maxMs, 9);
		assert.equal(summary.totalMs, 24);
		assert.ok(summary.p50Ms !== null && Math.abs(summary.p50Ms - 8) <= 8 / 64, `p50 ${summary.p50Ms}`);
		assert.ok(summary.recent.p99Ms !== null && Math.abs(summary.recent.p99Ms - 9) <= 9 / 64, `recent p99 ${summary.recent.p99Ms}`);
		assert.equal(series.stats().minMs, 7);
	});

	test('a summary handed out is the caller\'s own: changing it does not change the next one', () => {
		const series = new Series('op', null, 'operation', 6);
		series.record(2 * MS);
		const first = series.summary(10_000);
		first.count = 99;
		first.recent.count = 99;
		first.p50Ms = -1;
		const stats = series.stats();
		stats.p99Ms = -1;
		const second = series.summary(10_000);
		assert.equal(second.count, 1);
		assert.equal(second.recent.count, 1);
		assert.equal(second.p50Ms, 2);
		assert.equal(series.stats().p99Ms, 2);
	});
});

type Operation =
	| {kind: 'record'; plugin: string | null; op: string; ns: number; error: boolean}
	| {kind: 'time'; ms: number}
	| {kind: 'rotate'}
	| {kind: 'reset'}
	/** What every build does first (the window advances on reads as well as on its timer). */
	| {kind: 'advance'};

function fakeTime(start = Date.UTC(2026, 0, 1)) {
	let now = start;
	return {now: () => now, advance: (ms: number) => (now += ms)};
}

/** A registry (with a fake wall clock) that has gone through `operations`. */
function replay(operations: Operation[]): {registry: SeriesRegistry; time: ReturnType<typeof fakeTime>} {
	const time = fakeTime();
	const registry = new SeriesRegistry(new Faults(() => {}), {slotMs: 1000, slots: 4, now: time.now});
	for (const operation of operations) apply(registry, time, operation);
	return {registry, time};
}

function apply(registry: SeriesRegistry, time: ReturnType<typeof fakeTime>, operation: Operation): void {
	if (operation.kind === 'record') {
		const series = registry.get(operation.op, operation.plugin, operation.plugin === null ? 'operation' : 'hook');
		if (operation.error) series.recordError(operation.ns);
		else series.record(operation.ns);
	} else if (operation.kind === 'time') time.advance(operation.ms);
	else if (operation.kind === 'rotate') registry.rotate();
	else if (operation.kind === 'advance') registry.advance();
	else registry.reset();
}

const records: PluginLoadRecord[] = [
	{name: 'db', source: './db.js', state: 'loaded', loadMs: 3, loadBytes: 1024, loadMemoryMode: 'gc', error: null},
	{name: 'never-called', source: null, state: 'loaded', loadMs: null, loadBytes: null, loadMemoryMode: null, error: null},
];

describe('PluginRollup (cached per plugin)', () => {
	for (const seed of [7, 8, 9]) {
		test(`equals summaries built from scratch after calls, new series, time passing, rotations and resets (seed ${seed})`, () => {
			const next = seededRandom(seed);
			const operations: Operation[] = [];
			const time = fakeTime();
			const registry = new SeriesRegistry(new Faults(() => {}), {slotMs: 1000, slots: 4, now: time.now});
			const builder = new PluginRollup(registry);
			const plugins = ['db', 'cache', 'render', null];
			for (let step = 0; step < 150; step++) {
				const roll = next();
				let operation: Operation;
				if (roll < 0.6) {
					const plugin = plugins[Math.floor(next() * plugins.length)]!;
					// New operations keep appearing, so plugins gain series as the test goes on.
					const op = `op${Math.floor(next() * Math.min(6, 1 + step / 20))}`;
					operation = {kind: 'record', plugin, op, ns: duration(next), error: next() < 0.2};
				} else if (roll < 0.85) operation = {kind: 'time', ms: Math.floor(next() * (next() < 0.1 ? 10_000 : 1500))};
				else if (roll < 0.95) operation = {kind: 'rotate'};
				else operation = {kind: 'reset'};
				operations.push(operation);
				apply(registry, time, operation);
				if (next() < 0.3) continue; // several changes between two builds, too
				const cached = builder.build(records);
				operations.push({kind: 'advance'});
				const fresh = replay(operations);
				assert.equal(fresh.time.now(), time.now());
				assert.deepEqual(cached, new PluginRollup(fresh.registry).build(records), `step ${step} after ${JSON.stringify(operation)}`);
				assert.deepEqual(builder.build(records), cached, `step ${step}, built again with no change`);
			}
		});
	}

	test("a plugin's figures are the exact merge of its series' histograms", () => {
		const registry = new SeriesRegistry(new Faults(() => {}), {slotMs: 1000, slots: 4});
		const next = seededRandom(11);
		for (let call = 0; call < 500; call++) registry.get(`op${call % 3}`, 'db', 'hook').record(duration(next));
		registry.get('op1', 'db', 'hook').recordError(5 * MS);
		const builder = new PluginRollup(registry);
		builder.build(records);
		registry.get('op0', 'db', 'hook').record(7 * MS); // changes one series after a first (cached) build
		const db = builder.build(records).plugins.find(plugin => plugin.name === 'db')!;
		const dense = new Float64Array(BUCKET_COUNT);
		let min = Infinity;
		let max = 0;
		for (const series of registry.ofPlugin('db')) {
			for (const [index, count] of series.export(1000).histogram.buckets) dense[index]! += count;
			min = Math.min(min, series.minNs);
			max = Math.max(max, series.maxNs);
		}
		assert.equal(db.calls.count, 502);
		assert.equal(db.calls.errors, 1);
		assert.equal(db.recent.count, 502);
		for (const [field, q] of [['p50Ms', 0.5], ['p95Ms', 0.95], ['p99Ms', 0.99]] as const) assert.equal(db.calls[field], quantileOf(dense, 502, q, min, max)! / MS, field);
		assert.deepEqual(db.hooks.map(hook => hook.count).sort(), [166, 168, 168]);
		const idle = builder.build(records).plugins.find(plugin => plugin.name === 'never-called')!;
		assert.equal(idle.calls.count, 0);
		assert.equal(idle.calls.p50Ms, null);
	});
});
