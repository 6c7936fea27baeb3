import assert from 'node:assert/strict';
import {test} from 'node:test';
import {IntervalDeltas} from '../../../source/host/logging/deltas.js';
import {Series} from '../../../source/host/metrics/series.js';
import {bucketIndex} from '../../../source/protocol/histogram.js';

/** The (index, count) pairs of `durations`, flat and in index order, as a summary's `h` carries them. */
function pairsOf(durations: number[]): number[] {
	const counts = new Map<number, number>();
	for (const ns of durations) counts.set(bucketIndex(ns), (counts.get(bucketIndex(ns)) ?? 0) + 1);
	return [...counts].sort((a, b) => a[0] - b[0]).flat();
}

test('each interval carries exactly the calls made in it, bucket by bucket', () => {
	const series = new Series('query', 'db', 'operation', 6);
	const tracker = new IntervalDeltas(0);
	const first = [1000, 1000, 5e6, 70];
	for (const ns of first) series.record(ns);
	const [one] = tracker.take([series.export(1000)], 1000);
	assert.deepEqual(one!.h, pairsOf(first));
	assert.equal(one!.count, 4);

	// Old buckets again, a new low one and a new high one, one bucket left untouched.
	const second = [1000, 9, 3e9, 3e9];
	for (const ns of second) series.record(ns);
	series.recordError(70);
	const [two] = tracker.take([series.export(1000)], 2000);
	assert.deepEqual(two!.h, pairsOf([...second, 70]));
	assert.equal(two!.count, 5);
	assert.equal(two!.errors, 1);
	assert.equal(two!.from, 1000);

	assert.deepEqual(tracker.take([series.export(1000)], 3000), [], 'an interval without calls writes nothing');
});
