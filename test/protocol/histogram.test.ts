import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {
	BUCKET_COUNT,
	HISTOGRAM_SCHEME,
	MAX_EXPONENT,
	RELATIVE_ERROR,
	addHistogramData,
	bucketIndex,
	bucketLow,
	bucketWidth,
	quantileOf,
	toHistogramData,
	type HistogramData,
} from '../../source/protocol/histogram.js';
import {seededRandom} from '../helpers/random.js';


type Distribution = (random: () => number) => number;

function normal(random: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Durations in ns, shaped like real call latencies. */
const distributions: Record<string, Distribution> = {
	'uniform 0..1 ms': random => Math.floor(random() * 1e6),
	'exponential, mean 40 us': random => Math.round(-Math.log(1 - random()) * 40_000),
	'log-normal around 200 us (heavy tail)': random => Math.round(Math.exp(Math.log(200_000) + 1.5 * normal(random))),
	'bimodal: cache hits ~300 ns, misses ~8 ms': random => Math.round(random() < 0.9 ? 250 + random() * 100 : 8e6 * (0.5 + random())),
	'pareto from 1 us (alpha 1.2)': random => Math.round(1000 / (1 - random()) ** (1 / 1.2)),
	'small: 0..200 ns': random => Math.floor(random() * 200),
	'fractional ns, 64 ns .. 10 s': random => 64 + random() ** 4 * 1e10,
};

const QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function histogramOf(values: number[]): Float64Array {
	const counts = new Float64Array(BUCKET_COUNT);
	for (const value of values) counts[bucketIndex(value)]!++;
	return counts;
}

/** The q-quantile as the histogram defines it: the ceil(q * n)-th smallest value (at least the first). */
function exactQuantile(sorted: number[], q: number): number {
	return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('log-linear histogram', () => {
	test('its documented relative error is at most 2 %', () => {
		assert.ok(RELATIVE_ERROR <= 0.02);
		assert.equal(RELATIVE_ERROR, 1 / 64);
	});

	test('every value falls inside the range of its bucket, and buckets tile the line without gaps', () => {
		const random = seededRandom(7);
		for (let index = 0; index < BUCKET_COUNT - 1; index++) {
			assert.equal(bucketLow(index) + bucketWidth(index), bucketLow(index + 1), `bucket ${index} ends where ${index + 1} starts`);
		}
		for (let trial = 0; trial < 20_000; trial++) {
			const value = Math.floor(2 ** (random() * MAX_EXPONENT));
			const index = bucketIndex(value);
			assert.ok(index >= 0 && index < BUCKET_COUNT);
			assert.ok(bucketLow(index) <= value && value < bucketLow(index) + bucketWidth(index), `${value} in bucket ${index}`);
			assert.ok(bucketWidth(index) <= Math.max(1, bucketLow(index) / 32), 'width at most 1/32 of the lower bound');
		}
	});

	test('values below 64 ns are exact and values past the range land in the last bucket', () => {
		for (let value = 0; value < 64; value++) assert.equal(bucketIndex(value), value);
		assert.equal(bucketIndex(2 ** MAX_EXPONENT), BUCKET_COUNT - 1);
		assert.equal(bucketIndex(1e300), BUCKET_COUNT - 1);
	});

	for (const [name, draw] of Object.entries(distributions)) {
		test(`percentiles stay within the stated error of exact percentiles: ${name}`, () => {
			const random = seededRandom(name.length * 7919);
			for (const size of [1, 2, 3, 10, 101, 1000, 20_000]) {
				const values = Array.from({length: size}, () => draw(random));
				const sorted = [...values].sort((a, b) => a - b);
				const counts = histogramOf(values);
				for (const q of QUANTILES) {
					const exact = exactQuantile(sorted, q);
					const estimate = quantileOf(counts, size, q, sorted[0]!, sorted[size - 1]!);
					assert.notEqual(estimate, null);
					// Whole nanoseconds below 64 are exact; fractions there are dropped (under 1 ns).
					const allowed = exact >= 64 ? exact * RELATIVE_ERROR : Number.isInteger(exact) ? 0 : 1;
					assert.ok(Math.abs(estimate! - exact) <= allowed + 1e-9, `${name}, n=${size}, q=${q}: ${estimate} vs exact ${exact} (allowed ${allowed})`);
				}
			}
		});
	}

	test('an empty histogram has no percentiles', () => {
		assert.equal(quantileOf(new Float64Array(BUCKET_COUNT), 0, 0.5), null);
	});

	test('the serialized form survives JSON and merges exactly', () => {
		const random = seededRandom(42);
		const a = Array.from({length: 5000}, () => distributions['log-normal around 200 us (heavy tail)']!(random));
		const b = Array.from({length: 3000}, () => distributions['bimodal: cache hits ~300 ns, misses ~8 ms']!(random));
		const sent: HistogramData[] = [toHistogramData(histogramOf(a)), toHistogramData(histogramOf(b))].map(data => JSON.parse(JSON.stringify(data)) as HistogramData);
		assert.equal(sent[0]!.scheme, HISTOGRAM_SCHEME);
		const merged = new Float64Array(BUCKET_COUNT);
		for (const data of sent) addHistogramData(merged, data);
		const direct = histogramOf([...a, ...b]);
		assert.deepEqual([...merged], [...direct]);
		const sorted = [...a, ...b].sort((x, y) => x - y);
		for (const q of QUANTILES) {
			assert.equal(quantileOf(merged, sorted.length, q), quantileOf(direct, sorted.length, q));
		}
		assert.deepEqual(toHistogramData(merged), toHistogramData(direct));
	});

	test('merging ignores malformed pairs instead of corrupting the histogram', () => {
		const into = new Float64Array(BUCKET_COUNT);
		addHistogramData(into, {
			scheme: HISTOGRAM_SCHEME,
			buckets: [
				[3, 2],
				[-1, 5],
				[BUCKET_COUNT, 1],
				[1.5, 1],
				[4, Number.NaN],
				[5, -3],
				[6, Infinity],
			],
		});
		assert.equal(into[3], 2);
		assert.equal(into.reduce((sum, value) => sum + value, 0), 2);
	});
});
