import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PerformanceMonitor} from '../../../source/index.js';

test('a wrapped function is timed and keeps its result', () => {
	const monitor = new PerformanceMonitor({samplers: false});
	const add = monitor.wrap((a: number, b: number) => a + b, {op: 'add', plugin: 'math'});
	assert.equal(add(2, 3), 5);
	const plugin = monitor.getPluginPerformance('math');
	assert.equal(plugin?.calls.count, 1);
});
