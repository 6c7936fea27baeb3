import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {HeapGrowthDetector} from '../../../source/host/samplers/heap-growth.js';
import {MB} from './fakes.js';

const MINUTE = 60_000;

describe('heap growth', () => {
	it('reports growth after K rising major GCs spanning at least T', () => {
		const detector = new HeapGrowthDetector({majorGcs: 4, minDurationMs: 4 * MINUTE, minGrowth: 0.1});
		for (let i = 0; i <= 4; i++) {
			detector.addMajor(i * MINUTE, (50 + i * 5) * MB);
			assert.equal(detector.stats().growing, i === 4, `after GC ${i}`);
		}
		assert.deepEqual(detector.stats(), {growing: true, rises: 4, sinceAt: 0, fromBytes: 50 * MB, toBytes: 70 * MB});
	});

	it('does not report growth when the rises happen faster than T', () => {
		const detector = new HeapGrowthDetector({majorGcs: 4, minDurationMs: 10 * MINUTE});
		for (let i = 0; i <= 8; i++) detector.addMajor(i * 1000, (50 + i * 5) * MB);
		assert.equal(detector.stats().growing, false);
		assert.equal(detector.stats().rises, 8);
	});

	it('does not report a sawtooth heap that falls back to its baseline after collections', () => {
		const detector = new HeapGrowthDetector({majorGcs: 3, minDurationMs: MINUTE});
		const values = [50, 55, 60, 50, 56, 61, 50, 57, 62, 50, 58, 63, 50];
		values.forEach((value, i) => {
			detector.addMajor(i * MINUTE, value * MB);
			assert.equal(detector.stats().growing, false, `after GC ${i} (${value} MB)`);
		});
	});

	it('ends a growing run once the heap comes back down, and a noise-level wobble does not end it', () => {
		const detector = new HeapGrowthDetector({majorGcs: 3, minDurationMs: MINUTE, tolerance: 0.02});
		[50, 60, 59.5, 70, 80].forEach((value, i) => detector.addMajor(i * MINUTE, value * MB));
		assert.equal(detector.stats().growing, true, 'a 1 % dip stays in the run');
		detector.addMajor(10 * MINUTE, 52 * MB);
		assert.deepEqual(detector.stats(), {growing: false, rises: 0, sinceAt: 10 * MINUTE, fromBytes: 52 * MB, toBytes: 52 * MB});
	});

	it('ignores tiny steady rises below the minimum growth', () => {
		const detector = new HeapGrowthDetector({majorGcs: 3, minDurationMs: 0, minGrowth: 0.1});
		for (let i = 0; i < 10; i++) detector.addMajor(i * MINUTE, 50 * MB + i * 1000);
		assert.equal(detector.stats().growing, false);
	});
});
