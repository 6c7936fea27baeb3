import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {BUCKET_COUNT, bucketIndex, bucketLow, RELATIVE_ERROR} from '../../../source/protocol/histogram.js';
import {Series} from '../../../source/host/metrics/series.js';

const MS = 1e6;

/** A seeded uniform generator on [0, 1) (a 32-bit xorshift). */
function seeded(seed: number): () => number {
	let state = seed | 0 || 1;
	return () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) / 4294967296;
	};
}

function seriesWith(durationsNs: number[], slots = 6): Series {
	const series = new Series('query', 'db', 'operation', slots);
	for (const ns of durationsNs) series.record(ns);
	return series;
}

describe('Series', () => {
	test('keeps count, errors, sum, min and max exactly', () => {
		const series = seriesWith([2 * MS, 5 * MS, 1 * MS]);
		series.recordError(4 * MS);
		const stats = series.stats();
		assert.equal(stats.count, 4);
		assert.equal(stats.errors, 1);
		assert.equal(stats.totalMs, 12);
		assert.equal(stats.minMs, 1);
		assert.equal(stats.maxMs, 5);
		assert.equal(stats.meanMs, 3);
	});

	test('reports percentiles within the histogram error', () => {
		const durations = Array.from({length: 1000}, (_, index) => (index + 1) * 1000); // 1 us .. 1 ms
		const stats = seriesWith(durations).stats();
		const near = (actual: number | null, expectedMs: number) => assert.ok(actual !== null && Math.abs(actual - expectedMs) <= expectedMs * RELATIVE_ERROR, `${actual} ~ ${expectedMs}`);
		near(stats.p50Ms, 0.5);
		near(stats.p95Ms, 0.95);
		near(stats.p99Ms, 0.99);
	});

	test('an empty series reports nulls, not zeros or NaN', () => {
		const stats = new Series('idle', null, 'operation', 6).stats();
		assert.deepEqual(stats, {count: 0, errors: 0, totalMs: 0, minMs: null, maxMs: null, meanMs: null, p50Ms: null, p95Ms: null, p99Ms: null});
	});

	test('a duration that is NaN, negative or infinite counts the call but not its duration, and is reported', () => {
		const invalid: number[] = [];
		const series = seriesWith([2 * MS]);
		series.onInvalid = (_series, ns) => invalid.push(ns);
		series.record(Number.NaN);
		series.record(-5);
		series.recordError(Infinity);
		const stats = series.stats();
		assert.equal(stats.count, 4);
		assert.equal(stats.errors, 1);
		assert.equal(series.invalid, 3);
		assert.equal(stats.totalMs, 2);
		assert.equal(stats.maxMs, 2);
		assert.equal(stats.p99Ms, 2);
		assert.equal(invalid.length, 3);
		assert.ok(Number.isNaN(invalid[0]));
	});

	test('a series of invalid durations only still summarizes without NaN', () => {
		const series = seriesWith([Number.NaN]);
		const summary = series.summary(10_000);
		assert.equal(summary.count, 1);
		assert.equal(summary.meanMs, null);
		assert.doesNotThrow(() => JSON.stringify(summary));
		assert.ok(!JSON.stringify(summary).includes('NaN'));
	});

	test('calls over the slow threshold are counted and reported; a throwing listener is contained', () => {
		const series = seriesWith([]);
		series.slowNs = 10 * MS;
		const seen: number[] = [];
		series.onSlow = (_series, ns) => {
			seen.push(ns);
			throw new Error('listener bug');
		};
		assert.doesNotThrow(() => {
			series.record(5 * MS);
			series.record(20 * MS);
			series.recordError(30 * MS);
		});
		assert.equal(series.slow, 2);
		assert.deepEqual(seen, [20 * MS, 30 * MS]);
	});

	test('the recent window holds the last slots only', () => {
		const series = seriesWith([1 * MS, 1 * MS], 3);
		series.recordError(3 * MS);
		assert.equal(series.summary(30_000).recent.count, 3);
		assert.equal(series.summary(30_000).recent.errors, 1);
		series.rotate();
		series.record(2 * MS);
		let recent = series.summary(30_000).recent;
		assert.equal(recent.count, 4);
		series.rotate();
		series.rotate(); // the first slot (3 calls) drops out of a 3-slot ring
		recent = series.summary(30_000).recent;
		assert.equal(recent.count, 1);
		assert.equal(recent.errors, 0);
		assert.ok(recent.p50Ms !== null && Math.abs(recent.p50Ms - 2) <= 2 * RELATIVE_ERROR);
		// Lifetime figures are untouched by rotation.
		assert.equal(series.stats().count, 4);
	});

	test('window rates are calls and errors per second of the covered time', () => {
		const series = seriesWith(Array.from({length: 50}, () => MS));
		for (let index = 0; index < 10; index++) series.recordError(MS);
		const recent = series.summary(20_000).recent;
		assert.equal(recent.windowMs, 20_000);
		assert.equal(recent.rate, 3);
		assert.equal(recent.errorRate, 0.5);
	});

	test('reset zeroes everything in place', () => {
		const series = seriesWith([1 * MS, 2 * MS]);
		series.recordError(Number.NaN);
		series.reset();
		assert.equal(series.counts.length, 0, 'the counts go with the range they covered');
		assert.deepEqual(series.stats(), new Series('x', null, 'operation', 6).stats());
		assert.equal(series.summary(1000).recent.count, 0);
		assert.equal(series.invalid, 0);
		series.record(3 * MS);
		assert.equal(series.stats().count, 1);
	});

	test('memory is bounded: counts cover only the buckets reached, calls add none, a series stays under 64 KiB', () => {
		const series = seriesWith([]);
		const empty = series.bytes;
		for (let index = 0; index < 1000; index++) series.record(2 ** 20 + index * 100);
		assert.equal(series.bytes - empty, 8 * 5, 'durations within a few buckets: one block of 8 (4 B lifetime + 1 B current slot each)');
		for (let index = 0; index < 100_000; index++) series.record(index * 997);
		const grown = series.bytes;
		for (let index = 0; index < 100_000; index++) series.record(index * 997);
		assert.equal(series.bytes, grown, 'the same durations again allocate nothing');
		series.record(2 ** 50);
		assert.equal(series.counts.length, BUCKET_COUNT, 'every bucket reached: the full bound');
		assert.ok(series.bytes <= 64 * 1024, `${series.bytes} bytes`);
	});

	test('widening the counts down and up keeps every count where it was', () => {
		const durations = [5 * MS, 3000, 40 * MS, 70, 2 ** 40, 5 * MS, 0, 123_456];
		const series = seriesWith(durations);
		const expected = new Map<number, number>();
		for (const ns of durations) expected.set(bucketIndex(ns), (expected.get(bucketIndex(ns)) ?? 0) + 1);
		assert.deepEqual(series.export(1000).histogram.buckets, [...expected].sort((a, b) => a[0] - b[0]));
		assert.equal(series.counts.length % 8, 0);
		assert.ok(series.countsBase <= series.low && series.high < series.countsBase + series.counts.length);
	});

	test('the window takes memory only for the buckets its slots touched, up to a fixed bound', () => {
		const series = seriesWith([]);
		const empty = series.bytes;
		for (let turn = 0; turn < 6; turn++) series.rotate();
		assert.equal(series.bytes, empty, 'no rows while nothing was recorded');
		for (let index = 0; index < 1000; index++) series.record(MS + index * 100);
		for (let turn = 0; turn < 6; turn++) series.rotate();
		assert.ok(series.bytes - empty <= 16 * 5 + 64, `1000 calls in 7 buckets: ${series.bytes - empty} bytes of counts and rows`);
		// Every bucket once in every slot: the rows' worst case for calls that take the one-byte form.
		for (let slot = 0; slot < 6; slot++) {
			if (slot > 0) series.rotate();
			for (let index = 0; index < BUCKET_COUNT; index++) series.record(bucketLow(index));
		}
		assert.equal(series.summary(60_000).recent.count, 6 * BUCKET_COUNT);
		const bound = BUCKET_COUNT * 5 + 6 * (BUCKET_COUNT + 8);
		assert.ok(series.bytes - empty <= bound * 1.1, `every bucket in every slot: ${series.bytes - empty} bytes, bound ${bound}`);
		assert.ok(series.bytes <= 64 * 1024);
		series.reset();
		assert.equal(series.bytes, empty);
	});

	test('a series whose durations spread from 1 us to 10 s over the whole window stays within 5.5 KiB of arrays', () => {
		// The bench's series-bytes goal (8 KiB of heap per series, test/bench/core.ts) measured by the arithmetic.
		const next = seeded(11);
		const series = new Series('spread', 'p', 'hook', 6);
		for (let slot = 0; slot < 7; slot++) {
			if (slot > 0) series.rotate();
			for (let call = 0; call < 286; call++) series.record(10 ** (3 + 7 * next()));
			series.summary(10_000); // a reader between rotations, as a monitor that is watched
		}
		assert.ok(series.bytes <= 5.5 * 1024, `${series.bytes} bytes`);
	});

	for (const seed of [1, 2, 3]) {
		test(`the window and the lifetime counts equal per-slot histograms kept in full (seed ${seed})`, () => {
			const next = seeded(seed);
			const slots = 1 + Math.floor(next() * 6);
			const series = new Series('op', null, 'operation', slots);
			const ring: Array<Map<number, number>> = [new Map()];
			const lifetime = new Map<number, number>();
			const add = (map: Map<number, number>, index: number, calls: number) => map.set(index, (map.get(index) ?? 0) + calls);
			for (let step = 0; step < 300; step++) {
				const roll = next();
				if (roll < 0.15) {
					series.rotate();
					ring.push(new Map());
					if (ring.length > slots) ring.shift();
				} else if (roll < 0.2) {
					// A hot bucket: more calls in one slot than a byte holds (its carries) and than the short form.
					const ns = 10 ** (2 + 8 * next());
					const calls = 300 + Math.floor(next() * 70_000);
					for (let call = 0; call < calls; call++) series.record(ns);
					add(ring.at(-1)!, bucketIndex(ns), calls);
					add(lifetime, bucketIndex(ns), calls);
				} else {
					// Spread calls: gaps from 1 to hundreds of buckets, 1 to a few calls each.
					const ns = next() < 0.5 ? Math.floor(next() * 200) : 10 ** (2 + 9 * next());
					series.record(ns);
					add(ring.at(-1)!, bucketIndex(ns), 1);
					add(lifetime, bucketIndex(ns), 1);
				}
				if (next() < 0.3) continue; // several changes between two reads
				const window = new Float64Array(BUCKET_COUNT);
				const [count] = series.windowInto(window);
				const expected = new Float64Array(BUCKET_COUNT);
				for (const slot of ring) for (const [index, calls] of slot) expected[index]! += calls;
				assert.deepEqual(window, expected, `step ${step}: window buckets`);
				assert.equal(count, expected.reduce((sum, calls) => sum + calls, 0), `step ${step}: window count`);
				const counts = series.counts;
				for (const [index, calls] of lifetime) assert.equal(counts[index - series.countsBase], calls, `step ${step}: lifetime bucket ${index}`);
			}
		});
	}

	test('an export carries the full histogram, which re-creates the lifetime counts', () => {
		const series = seriesWith([100, 5000, 5000, 2 * MS]);
		const exported = series.export(1000);
		assert.equal(exported.sumNs, 100 + 5000 + 5000 + 2 * MS);
		const total = exported.histogram.buckets.reduce((sum, [, count]) => sum + count, 0);
		assert.equal(total, 4);
	});
});
