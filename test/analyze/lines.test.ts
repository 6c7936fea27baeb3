import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LineSplitter} from '../../source/analyze/lines.js';
import {seededRandom as random} from '../helpers/random.js';

interface Split {
	lines: Array<[string, boolean]>;
	counts: {lines: number; oversized: number};
}

/** Feeds `bytes` to a splitter in chunks cut at `cuts`, and collects what it passes on. */
function split(bytes: Buffer, cuts: number[], max: number): Split {
	const lines: Array<[string, boolean]> = [];
	const counts = {lines: 0, oversized: 0};
	const splitter = new LineSplitter((chunk, start, end, last) => lines.push([chunk.toString('utf8', start, end), last]), max, counts);
	let from = 0;
	for (const cut of [...cuts, bytes.length]) {
		// A copy, and the original overwritten after the push: the splitter may not keep a chunk.
		const chunk = Buffer.from(bytes.subarray(from, cut));
		splitter.push(chunk);
		chunk.fill(0x7a);
		from = cut;
	}
	splitter.end();
	return {lines, counts};
}

const text = ['{"plugin":"für","op":"日本語"}', '', 'crlf line\r', '\r', 'x'.repeat(40), 'short', 'ünïcödé 😀 end'].join('\n') + '\nno newline at the end';
const expected: Array<[string, boolean]> = [
	['{"plugin":"für","op":"日本語"}', false],
	['crlf line\r', false],
	['short', false],
	['ünïcödé 😀 end', false],
	['no newline at the end', true],
];

test('lines come out whole wherever the chunks are cut, even inside a multi-byte character', () => {
	const bytes = Buffer.from(text);
	for (let cut = 0; cut <= bytes.length; cut++) {
		const result = split(bytes, [cut], 36);
		assert.deepEqual(result.lines, expected, `cut at ${cut}`);
		assert.deepEqual(result.counts, {lines: 5, oversized: 1}, `cut at ${cut}`);
	}
	const rand = random(9);
	for (let round = 0; round < 300; round++) {
		const cuts = [...new Set(Array.from({length: 1 + Math.floor(rand() * 12)}, () => Math.floor(rand() * bytes.length)))].sort((a, b) => a - b);
		assert.deepEqual(split(bytes, cuts, 36).lines, expected, `cuts at ${cuts.join(',')}`);
	}
});

test('a line over the limit is counted once and not passed on, in one chunk or many', () => {
	const bytes = Buffer.from(`before\n${'y'.repeat(1000)}\nafter\n${'z'.repeat(50)}`);
	for (const cuts of [[], [7, 8, 100, 500, 1006, 1007], Array.from({length: 100}, (_, index) => index * 11)]) {
		const result = split(bytes, cuts, 100);
		assert.deepEqual(result.lines, [
			['before', false],
			['after', false],
			['z'.repeat(50), true],
		]);
		assert.equal(result.counts.oversized, 1, `cuts at ${cuts.join(',')}`);
	}
});
