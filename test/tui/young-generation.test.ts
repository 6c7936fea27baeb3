import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {limitYoungGeneration} from '../../source/tui/young-generation.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * In a child: optionally limits the young generation, then allocates ~300 MB of short-lived objects with a
 * little surviving each round (as frames do), and prints new space's size before and after, bytes.
 */
const CHILD = `
import {getHeapSpaceStatistics} from 'node:v8';
import {limitYoungGeneration} from './source/tui/young-generation.ts';
const newSpace = () => getHeapSpaceStatistics().find(space => space.space_name === 'new_space').space_size;
const before = newSpace();
const outcome = process.argv[1] === 'limit' ? limitYoungGeneration([], {}) : 'not asked';
const kept = [];
for (let round = 0; round < 3000; round++) {
	const frame = Array.from({length: 1000}, (_, index) => ({index, text: 'row ' + index + ' of ' + round}));
	kept.push(frame[round % 1000]);
	if (kept.length > 2000) kept.splice(0, 1000);
}
process.stdout.write(JSON.stringify({outcome, before, after: newSpace()}));
`;

function run(mode: 'limit' | 'default', nodeFlags: string[] = []): {outcome: string; before: number; after: number} {
	const output = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', CHILD, mode], {cwd: root, encoding: 'utf8', env: {...process.env, NODE_OPTIONS: ''}, timeout: 120_000});
	return JSON.parse(output) as {outcome: string; before: number; after: number};
}

describe('young generation of the live view', () => {
	test('limited, new space keeps its size under a steady allocation rate; V8 grows it otherwise', () => {
		const limited = run('limit');
		const grown = run('default');
		assert.equal(limited.outcome, 'limited');
		assert.ok(limited.after <= limited.before, `limited: ${limited.before} B, then ${limited.after} B`);
		assert.ok(grown.after > 2 * grown.before, `default: ${grown.before} B, then ${grown.after} B (the limit must be what keeps it small)`);
	});

	test("node's own young-generation flags and PERFTOP_YOUNG_GENERATION=default are left alone", () => {
		assert.equal(limitYoungGeneration(['--max-semi-space-size=4'], {}), 'user-flags');
		assert.equal(limitYoungGeneration([], {NODE_OPTIONS: '--max_semi_space_size=4'}), 'user-flags');
		assert.equal(limitYoungGeneration([], {PERFTOP_YOUNG_GENERATION: 'default'}), 'off');
	});
});
