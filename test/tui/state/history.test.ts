import assert from 'node:assert/strict';
import {test} from 'node:test';
import {emptyHistory, HISTORY_CAPACITY, hookTrend, recordSnapshot, type History} from '../../../source/tui/state/history.js';
import type {Ring} from '../../../source/tui/state/ring.js';
import {hook, plugin, snapshot} from '../fakes.js';

/** Every ring of a history. */
function rings(history: History): Ring[] {
	const all = [history.cpu, history.memory, history.rss, history.heap, history.loopP99, history.elu];
	for (const trend of Object.values(history.plugins)) {
		all.push(trend.rate, trend.p99);
		for (const {trend: hookTrend} of trend.hookTrends) all.push(hookTrend.rate, hookTrend.p99);
	}
	return all;
}

/** Bytes of the distinct buffers the history's rings hold. */
function historyBytes(history: History): number {
	const buffers = new Set(rings(history).map(ring => ring.values.buffer));
	let bytes = 0;
	for (const buffer of buffers) bytes += buffer.byteLength;
	return bytes;
}

const HOOKS = ['init', 'handle', 'render', 'route', 'close'];
const largeHost = (seq: number) =>
	snapshot({plugins: Array.from({length: 200}, (_, index) => plugin(`plugin-${index}`, {calls: seq * 10 + index, hooks: HOOKS.map(op => hook(`plugin-${index}`, op, seq, 1 + index / 100))}))}, seq);

test('the history of 200 plugins x 5 hooks stays within its bound however long the TUI runs', () => {
	let history = emptyHistory();
	let afterFull = 0;
	for (let seq = 1; seq <= 3 * HISTORY_CAPACITY; seq++) {
		history = recordSnapshot(history, largeHost(seq));
		if (seq === HISTORY_CAPACITY + 40) afterFull = historyBytes(history);
	}
	const ringCount = 6 + 200 * 2 * (1 + HOOKS.length);
	assert.equal(rings(history).length, ringCount);
	const bound = ringCount * Math.ceil(HISTORY_CAPACITY * 1.25 + 4) * Float32Array.BYTES_PER_ELEMENT;
	const bytes = historyBytes(history);
	assert.ok(bytes <= bound, `${bytes} B of ring buffers, bound ${bound} B`);
	assert.ok(bytes <= afterFull * 1.05, `no growth once full: ${afterFull} B then ${bytes} B`);
	assert.equal(hookTrend(history, 'plugin-7', 'route')?.rate.values.length, HISTORY_CAPACITY);
});

test('a plugin that appears late starts with a short, small history', () => {
	let history = emptyHistory();
	for (let seq = 1; seq <= 200; seq++) history = recordSnapshot(history, snapshot({plugins: [plugin('old')]}, seq));
	for (let seq = 201; seq <= 203; seq++) history = recordSnapshot(history, snapshot({plugins: [plugin('old'), plugin('new', {calls: 60 * seq})]}, seq));
	const trend = history.plugins['new']!;
	assert.deepEqual([...trend.rate.values], [201, 202, 203]);
	assert.ok(trend.rate.values.buffer.byteLength < history.plugins['old']!.rate.values.buffer.byteLength / 4);
});
