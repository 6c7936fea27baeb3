import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {test} from 'node:test';
import {analyzeInputs} from '../../../source/analyze/analyze.js';
import {SummaryScanner} from '../../../source/analyze/summary-scanner.js';
import {readPerfLogRecord} from '../../../source/protocol/perf-log.js';
import {PerformanceMonitor, RELATIVE_ERROR} from '../../../source/index.js';

function tempDir(t: {after: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'pt-log-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

function logLines(dir: string): Array<Record<string, unknown>> {
	return readdirSync(dir)
		.filter(name => name.endsWith('.log'))
		.sort((a, b) => a.localeCompare(b, 'en', {numeric: true}))
		.flatMap(name => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
		.map(line => JSON.parse(line) as Record<string, unknown>);
}

const close = (actual: number | null, expected: number | null) => {
	assert.ok(actual !== null && expected !== null, `both present (${actual}, ${expected})`);
	assert.ok(Math.abs(actual - expected) <= expected * RELATIVE_ERROR + 1e-9, `${actual} within ${RELATIVE_ERROR} of ${expected}`);
};

test('a host run writes summaries whose analyzed percentiles match the host summary', async t => {
	const dir = tempDir(t);
	const monitor = new PerformanceMonitor({log: {dir, summaryIntervalMs: 100, process: false}, samplers: false, alerts: false});
	await monitor.start();
	// Known durations over several intervals: 1..400 ms for db/query, a long tail for ui/render.
	for (let batch = 0; batch < 4; batch++) {
		for (let index = 1; index <= 100; index++) monitor.record('query', batch * 100 + index, {plugin: 'db'});
		for (let index = 0; index < 50; index++) monitor.record('render', index % 10 === 0 ? 900 + batch : 2 + index / 10, {plugin: 'ui', error: index % 25 === 0});
		await sleep(130);
	}
	const wrapped = monitor.wrap((x: number) => x * 2, {op: 'double', plugin: 'math'});
	for (let index = 0; index < 500; index++) wrapped(index);
	const host = monitor.getPerformanceSummary();
	await monitor.stop();

	const lines = logLines(dir);
	const summaries = lines.filter(line => line['ev'] === 'summary');
	assert.ok(summaries.length >= 4, 'summaries from several intervals');
	assert.ok(summaries.length < 50, 'one line per series per interval, not one per call');
	assert.equal(lines[0]!['ev'], 'start');
	assert.equal(lines.at(-1)!['ev'], 'stop');

	const result = await analyzeInputs([dir]);
	assert.equal(result.lines.invalid.json, 0);
	for (const plugin of host.plugins) {
		const analyzed = result.plugins.find(row => row.plugin === plugin.name);
		assert.ok(analyzed, `plugin ${plugin.name} analyzed`);
		assert.equal(analyzed.calls, plugin.calls.count);
		assert.equal(analyzed.errors, plugin.calls.errors);
		close(analyzed.p50Ms, plugin.calls.p50Ms);
		close(analyzed.p95Ms, plugin.calls.p95Ms);
		close(analyzed.p99Ms, plugin.calls.p99Ms);
		close(analyzed.maxMs, plugin.calls.maxMs);
		for (const hook of plugin.hooks) {
			const row = result.hooks.find(entry => entry.plugin === plugin.name && entry.op === hook.op);
			assert.ok(row, `${plugin.name}/${hook.op} analyzed`);
			assert.equal(row.calls, hook.count);
			close(row.p95Ms, hook.p95Ms);
		}
	}
});

test('metrics reset: intervals after the reset count from zero', async t => {
	const dir = tempDir(t);
	const monitor = new PerformanceMonitor({log: {dir, summaryIntervalMs: 100, process: false}, samplers: false, alerts: false});
	await monitor.start();
	for (let index = 0; index < 30; index++) monitor.record('op', 5, {plugin: 'p'});
	await sleep(150);
	monitor.resetMetrics();
	for (let index = 0; index < 7; index++) monitor.record('op', 5, {plugin: 'p'});
	await monitor.stop();
	const lines = logLines(dir);
	assert.ok(lines.some(line => line['ev'] === 'metrics.reset'));
	const counts = lines.filter(line => line['ev'] === 'summary').map(line => line['count']);
	assert.deepEqual(counts, [30, 7]);
});

test('metrics reset: calls since the last summary are logged before they are zeroed', async t => {
	const dir = tempDir(t);
	const monitor = new PerformanceMonitor({log: {dir, summaryIntervalMs: 60_000, process: false}, samplers: false, alerts: false});
	await monitor.start();
	for (let index = 0; index < 12; index++) monitor.record('op', 5, {plugin: 'p'});
	monitor.resetMetrics();
	for (let index = 0; index < 3; index++) monitor.record('op', 5, {plugin: 'p'});
	await monitor.stop();
	const lines = logLines(dir).filter(line => line['ev'] === 'summary' || line['ev'] === 'metrics.reset');
	assert.deepEqual(
		lines.map(line => (line['ev'] === 'summary' ? line['count'] : 'reset')),
		[12, 'reset', 3],
		'the 12 calls of the interval cut short by the reset, then the 3 after it',
	);
});

test('rotation keeps at most the configured number of files', async t => {
	const dir = tempDir(t);
	const monitor = new PerformanceMonitor({log: {dir, size: '2k', files: 3, summaryIntervalMs: 100, process: false}, samplers: false, alerts: false});
	await monitor.start();
	for (let round = 0; round < 8; round++) {
		for (let series = 0; series < 10; series++) monitor.record(`op${series}`, 1 + round, {plugin: 'rot'});
		await sleep(120);
	}
	await monitor.stop();
	await sleep(100);
	const files = readdirSync(dir).filter(name => /^perf\.\d+\.log$/.test(name));
	const numbers = files.map(name => Number(name.split('.')[1]));
	assert.ok(Math.max(...numbers) > 3, `rotated several times (files ${files.join(', ')})`);
	assert.ok(files.length <= 3, `at most 3 files kept, found ${files.join(', ')}`);
});

test('an unwritable directory is reported once and monitoring keeps running', async t => {
	const base = tempDir(t);
	writeFileSync(join(base, 'file'), 'not a directory');
	const faults: string[] = [];
	const monitor = new PerformanceMonitor({log: {dir: join(base, 'file', 'logs'), summaryIntervalMs: 100}, samplers: false, alerts: false, onFault: kind => faults.push(kind)});
	await monitor.start();
	for (let index = 0; index < 10; index++) monitor.record('op', 1, {plugin: 'p'});
	await sleep(250);
	monitor.record('op', 1, {plugin: 'p'});
	await monitor.stop();
	assert.deepEqual(faults, ['perf-log']);
	assert.equal(monitor.getPluginPerformance('p')?.calls.count, 11);
});

test('a full disk is reported once and monitoring keeps running', async t => {
	const dir = tempDir(t);
	symlinkSync('/dev/full', join(dir, 'perf.1.log'));
	const faults: string[] = [];
	const monitor = new PerformanceMonitor({log: {dir, summaryIntervalMs: 100, maxBufferBytes: 64 * 1024}, samplers: false, alerts: false, onFault: kind => faults.push(kind)});
	await monitor.start();
	for (let round = 0; round < 5; round++) {
		for (let series = 0; series < 50; series++) monitor.record(`op${series}`, 1 + series, {plugin: 'p'});
		await sleep(110);
	}
	await monitor.stop();
	assert.equal(faults.filter(kind => kind === 'perf-log').length, 1, `faults: ${faults.join(', ')}`);
	assert.ok(monitor.faults.count > 1, 'further failures are counted');
	assert.equal(monitor.getPluginPerformance('p')?.calls.count, 250);
});

test('slow calls are logged at most once per series per period, the rest counted', async t => {
	const dir = tempDir(t);
	const monitor = new PerformanceMonitor({log: {dir, summaryIntervalMs: 60_000, slowLogIntervalMs: 100_000, process: false}, thresholds: {responseTime: 10}, samplers: false, alerts: false});
	await monitor.start();
	for (let index = 0; index < 40; index++) monitor.record('slow-op', 50 + index, {plugin: 'p'});
	monitor.record('other', 20, {plugin: 'q'});
	await monitor.stop();
	const lines = logLines(dir);
	const slow = lines.filter(line => line['ev'] === 'call.slow');
	assert.deepEqual(
		slow.map(line => [line['plugin'], line['op']]),
		[
			['p', 'slow-op'],
			['q', 'other'],
		],
	);
	const summary = lines.find(line => line['ev'] === 'summary' && line['op'] === 'slow-op');
	assert.equal(summary?.['slow'], 40, 'the summary counts every slow call');
});

test('every line the host writes reads back as a valid record, and summaries take the analyzer fast path', async t => {
	const dir = tempDir(t);
	const monitor = new PerformanceMonitor({log: {dir, summaryIntervalMs: 100}, thresholds: {responseTime: 10}, samplers: false, alerts: false});
	await monitor.start();
	for (let batch = 0; batch < 3; batch++) {
		for (let index = 1; index <= 60; index++) monitor.record('query', index * 0.37, {plugin: 'db', error: index % 17 === 0});
		monitor.record('render', 12.5, {plugin: 'ui-ü'});
		monitor.record('tick', 0.001 * (batch + 1));
		await sleep(130);
	}
	await monitor.stop();
	const scanner = new SummaryScanner();
	const lines = readdirSync(dir)
		.filter(name => name.endsWith('.log'))
		.flatMap(name => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean));
	const events = new Set<string>();
	let summaries = 0;
	for (const line of lines) {
		const record = readPerfLogRecord(JSON.parse(line));
		assert.ok(typeof record !== 'string', `${record}: ${line}`);
		events.add(record.ev === 'other' ? record.kind : record.ev);
		if (record.ev !== 'summary') continue;
		summaries++;
		const bytes = Buffer.from(line);
		const scanned = scanner.scan(bytes, 0, bytes.length);
		assert.ok(scanned, `fast path taken for ${line}`);
		const {pairs, pairCount, ...rest} = scanned;
		assert.deepEqual({...rest, h: Array.from(pairs.subarray(0, pairCount))}, record);
	}
	assert.ok(summaries >= 3, `${summaries} summaries`);
	for (const ev of ['start', 'summary', 'call.slow', 'process', 'stop']) assert.ok(events.has(ev), `a ${ev} line (saw ${[...events].join(', ')})`);
});
