import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {createContext, measurePart, settleSection, summarize, type BenchReport, type BenchSection} from '../bench/harness.js';

function setup(section = 'core') {
	const report: BenchReport = {startedAt: '', node: '', cpus: 2, rounds: 1, rows: [], goals: []};
	const lines: string[] = [];
	const context = createContext(section, report, {rounds: 1, quick: true, print: line => lines.push(line)});
	return {report, lines, context};
}

describe('bench harness: goals that hold, fail, or were not measured', () => {
	test('a goal within its limit holds; one past it fails; the summary counts both', () => {
		const {report, context} = setup();
		context.goal({id: 'a', measured: 1, limit: 1.25});
		context.goal({id: 'b', measured: 0.9, limit: 0.97, direction: 'min'});
		assert.deepEqual(
			report.goals.map(goal => [goal.id, goal.holds]),
			[
				['a', true],
				['b', false],
			],
		);
		assert.equal(summarize(report.goals), '1 of 2 goals hold; failing: b');
	});

	test('a goal not measured prints NOT MEASURED with its reason, counts as not holding, and is named in the summary', () => {
		const {report, lines, context} = setup('tui');
		context.goal({id: 'tui-frame-ms', measured: 5, limit: 8});
		context.notMeasured({id: 'tui-rss', limit: 100, unit: ' MB', reason: 'tmux is not installed'});
		assert.equal(report.goals[1]?.measured, null);
		assert.equal(report.goals[1]?.holds, false);
		assert.equal(report.goals[1]?.notMeasured, 'tmux is not installed');
		assert.match(lines.at(-1)!, /tui-rss\s+NOT MEASURED \(limit <= 100 MB\): tmux is not installed/);
		assert.equal(summarize(report.goals), '1 of 2 goals hold; not measured: tui-rss');
	});

	test('a figure that is not a number (the median of nothing) is reported as not measured, not as a failure', () => {
		const {report, context} = setup();
		context.goal({id: 'e2e-cpu-per-request', measured: Number.NaN, limit: 1.03});
		assert.equal(report.goals[0]?.measured, null);
		assert.match(report.goals[0]?.notMeasured ?? '', /NaN/);
	});

	test('a figure within its limit that is not valid does not hold, and the summary says not valid', () => {
		const {report, lines, context} = setup('e2e');
		context.goal({id: 'e2e-throughput', measured: 0.99, limit: 0.97, direction: 'min', notValid: 'load generator saturated'});
		assert.equal(report.goals[0]?.holds, false);
		assert.match(lines[0]!, /NOT VALID \(load generator saturated\)/);
		assert.equal(summarize(report.goals), '0 of 1 goals hold; not valid: e2e-throughput');
	});

	test("a section's declared goals that it never reported are reported as not measured when it ends or throws", () => {
		const section: BenchSection = {name: 'analyze', description: '', goals: [{id: 'analyze-mbps', limit: 100, direction: 'min'}, {id: 'analyze-peak-rss', limit: 100}], run: async () => {}};
		const {report, context} = setup('analyze');
		context.goal({id: 'analyze-mbps', measured: 150, limit: 100, direction: 'min'});
		settleSection(section, context, report, new Error('generating the log failed\nat stack'));
		assert.deepEqual(
			report.goals.map(goal => [goal.id, goal.holds, goal.notMeasured]),
			[
				['analyze-mbps', true, undefined],
				['analyze-peak-rss', false, 'the section failed: generating the log failed'],
			],
		);
		const quiet = setup('analyze');
		settleSection(section, quiet.context, quiet.report);
		assert.deepEqual(
			quiet.report.goals.map(goal => goal.notMeasured),
			['the section ended without measuring it', 'the section ended without measuring it'],
		);
	});

	test('a part that throws reports its unreported goals as not measured and lets the next part run', async () => {
		const {report, context} = setup();
		const first = await measurePart(context, [{id: 'one', limit: 1}, {id: 'two', limit: 2}], async part => {
			part.goal({id: 'one', measured: 0.5, limit: 1});
			throw new Error('the plugin manager did not register the bench plugin');
		});
		const second = await measurePart(context, [{id: 'three', limit: 3}], async part => part.goal({id: 'three', measured: 1, limit: 3}));
		assert.equal(first, false);
		assert.equal(second, true);
		assert.deepEqual(
			report.goals.map(goal => [goal.id, goal.holds, goal.notMeasured ?? null]),
			[
				['one', true, null],
				['two', false, 'its part failed: the plugin manager did not register the bench plugin'],
				['three', true, null],
			],
		);
	});
});
