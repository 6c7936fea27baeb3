import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {MemoryBudget} from '../../../source/host/samplers/memory-budget.js';
import {MB} from './fakes.js';

describe('memory budget', () => {
	it('has no baseline until both the warm-up time and the warm-up samples have passed', () => {
		const budget = new MemoryBudget({warmupMs: 30_000, warmupSamples: 3});
		budget.add(0, 100 * MB);
		budget.add(10_000, 100 * MB);
		budget.add(20_000, 100 * MB);
		assert.equal(budget.baseline, null, 'three samples but only 20 s');
		assert.equal(budget.budget, null);
		budget.add(30_000, 104 * MB);
		assert.notEqual(budget.baseline, null);
	});

	it('takes the median of the last warm-up samples, so one spike does not set the baseline', () => {
		const budget = new MemoryBudget({warmupMs: 0, warmupSamples: 3});
		budget.add(0, 100 * MB);
		budget.add(1, 300 * MB);
		assert.equal(budget.baseline, null);
		budget.add(2, 102 * MB);
		assert.equal(budget.baseline, 102 * MB);
	});

	it('sets the budget at baseline x (1 + memoryIncrease) and keeps the baseline afterwards', () => {
		const budget = new MemoryBudget({warmupMs: 0, warmupSamples: 1, memoryIncrease: 0.5});
		budget.add(0, 200 * MB);
		assert.equal(budget.budget, 300 * MB);
		budget.add(1, 900 * MB);
		assert.equal(budget.baseline, 200 * MB);
	});

	it('keeps a bounded RSS history, oldest first', () => {
		const budget = new MemoryBudget({historySize: 4, warmupSamples: 1});
		for (let i = 1; i <= 10; i++) budget.add(i, i);
		assert.deepEqual(budget.history(), [7, 8, 9, 10]);
	});
});
