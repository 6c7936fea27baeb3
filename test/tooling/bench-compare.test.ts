import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {compareReports, formatComparison, parseReport} from '../bench/compare.js';
import type {BenchReport, Goal, Row} from '../bench/harness.js';

function report(rows: Row[], goals: Goal[], sections?: string[]): BenchReport {
	return {startedAt: '2026-12-07T00:00:00.000Z', node: 'v20.20.2', cpus: 2, rounds: 7, sections, rows, goals};
}

function row(section: string, name: string, value: number): Row {
	return {section, name, value, unit: 'ns'};
}

function goal(id: string, measured: number | null, limit: number, extra: Partial<Goal> = {}): Goal {
	const direction = extra.direction ?? 'max';
	const within = measured !== null && (direction === 'max' ? measured <= limit : measured >= limit);
	return {id, section: 'core', measured, limit, direction, holds: within && extra.notValid === undefined, unit: 'x', ...extra};
}

describe('bench --compare', () => {
	test('a goal that went from holding to failing is flipped, with before, after and the change in per cent', () => {
		const comparison = compareReports(report([], [goal('sync-overhead', 1.0, 1.25)]), report([], [goal('sync-overhead', 1.5, 1.25)]));
		const [change] = comparison.goals;
		assert.equal(change?.before, 1.0);
		assert.equal(change?.after, 1.5);
		assert.equal(change?.changePercent, 50);
		assert.equal(change?.statusBefore, 'holds');
		assert.equal(change?.statusAfter, 'fails');
		assert.equal(change?.flipped, 'now fails');
		assert.equal(change?.trend, 'worse');
	});

	test('for a goal with a lower limit, a rising figure is better, and crossing the limit flips it to holding', () => {
		const comparison = compareReports(report([], [goal('throughput', 0.95, 0.97, {direction: 'min'})]), report([], [goal('throughput', 0.99, 0.97, {direction: 'min'})]));
		assert.equal(comparison.goals[0]?.flipped, 'now holds');
		assert.equal(comparison.goals[0]?.trend, 'better');
	});

	test('a goal measured before and not measured now is a flip to not holding, with no change figure', () => {
		const comparison = compareReports(report([], [goal('tui-rss', 90, 100)]), report([], [goal('tui-rss', null, 100, {notMeasured: 'tmux missing'})]));
		const [change] = comparison.goals;
		assert.equal(change?.statusAfter, 'not measured');
		assert.equal(change?.after, null);
		assert.equal(change?.changePercent, null);
		assert.equal(change?.flipped, 'now fails');
	});

	test('a figure within its limit but not valid counts as not holding', () => {
		const comparison = compareReports(report([], [goal('e2e-throughput', 0.99, 0.97, {direction: 'min'})]), report([], [goal('e2e-throughput', 0.99, 0.97, {direction: 'min', notValid: 'load generator saturated'})]));
		assert.equal(comparison.goals[0]?.statusAfter, 'not valid');
		assert.equal(comparison.goals[0]?.flipped, 'now fails');
	});

	test('rows pair by section and name; rows and goals found on one side only are listed', () => {
		const before = report([row('core', 'reference call', 20), row('core', 'old row', 5)], [goal('dropped-goal', 1, 2)]);
		const after = report([row('core', 'reference call', 25), row('core', 'new row', 7)], [goal('new-goal', 1, 2)]);
		const comparison = compareReports(before, after);
		assert.deepEqual(comparison.rows, [{section: 'core', name: 'reference call', unit: 'ns', before: 20, after: 25, changePercent: 25}]);
		assert.deepEqual(comparison.onlyBefore, [
			{kind: 'goal', section: 'core', name: 'dropped-goal'},
			{kind: 'row', section: 'core', name: 'old row'},
		]);
		assert.deepEqual(comparison.onlyAfter, [
			{kind: 'goal', section: 'core', name: 'new-goal'},
			{kind: 'row', section: 'core', name: 'new row'},
		]);
	});

	test('two rows of the same name in a section pair in order', () => {
		const comparison = compareReports(report([row('e2e', 'ratio', 1), row('e2e', 'ratio', 2)], []), report([row('e2e', 'ratio', 1.1), row('e2e', 'ratio', 2.2)], []));
		assert.deepEqual(
			comparison.rows.map(change => [change.before, change.after]),
			[
				[1, 1.1],
				[2, 2.2],
			],
		);
	});

	test('a run of one section (--only) is compared with that section of a full earlier run only', () => {
		const before = report([row('core', 'reference call', 20), row('cache', 'bare get', 40)], [goal('cache-get-overhead', 1.3, 2, {section: 'cache'}), goal('sync-overhead', 1, 1.25)]);
		const after = report([row('cache', 'bare get', 44)], [goal('cache-get-overhead', 1.4, 2, {section: 'cache'})], ['cache']);
		const comparison = compareReports(before, after);
		assert.deepEqual(comparison.sections, ['cache']);
		assert.deepEqual(comparison.sectionsNotBefore, []);
		assert.equal(comparison.rows.length, 1);
		assert.equal(comparison.goals.length, 1);
		assert.deepEqual(comparison.onlyBefore, []);
		assert.deepEqual(comparison.onlyAfter, []);
	});

	test('a section the earlier result never ran is named as such', () => {
		const comparison = compareReports(report([row('core', 'reference call', 20)], [], ['core']), report([row('e2e', 'ratio', 1)], [], ['e2e']));
		assert.deepEqual(comparison.sectionsNotBefore, ['e2e']);
		assert.match(formatComparison(comparison).join('\n'), /the earlier result has no section e2e/);
	});

	test('the printed comparison names the flipped goal, the change and what one side lacks', () => {
		const before = report([row('core', 'reference call', 20), row('core', 'old row', 1)], [goal('series-bytes', 4000, 8192, {unit: 'B'})]);
		const after = report([row('core', 'reference call', 30)], [goal('series-bytes', 9000, 8192, {unit: 'B'})]);
		const text = formatComparison(compareReports(before, after)).join('\n');
		assert.match(text, /series-bytes\s+4000B -> 9000B\s+\+125\.0 % \(worse\)\s+<= 8192B\s+holds -> fails\s+NOW FAILS/);
		assert.match(text, /\[core\] reference call\s+20\.00 -> 30\.00\s+ns\s+\+50\.0 %/);
		assert.match(text, /only in the earlier result:\n\s+row \[core\] old row/);
		assert.match(text, /flipped: series-bytes now fails/);
	});

	test('a file that is not a bench result is refused with a reason', () => {
		assert.throws(() => parseReport('{"hello": 1}'), /not a bench result/);
		assert.throws(() => parseReport('not json'), SyntaxError);
		assert.equal(parseReport(JSON.stringify(report([row('core', 'a', 1)], []))).rows.length, 1);
	});
});
