import assert from 'node:assert/strict';
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import {analyzeInputs} from '../../source/analyze/analyze.js';
import {AnalyzeExit, runAnalyze, type AnalyzeCommandOptions} from '../../source/commands/analyze.js';
import type {AnalysisResult} from '../../source/analyze/result.js';
import {middleEllipsis} from '../../source/analyze/table.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'logs');
const T = Date.UTC(2025, 0, 1, 12);

async function run(options: AnalyzeCommandOptions): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const code = await runAnalyze(options, {out: text => (out += text), err: text => (err += text), now: () => T + 60_000});
	return {code, out, err};
}

async function json(options: Omit<AnalyzeCommandOptions, 'json'>): Promise<AnalysisResult> {
	const {code, out} = await run({...options, json: true});
	assert.equal(code, AnalyzeExit.ok);
	return JSON.parse(out) as AnalysisResult;
}

function tempDir(t: {after: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'pt-an-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

test('a rotated set merges summary histograms exactly across files', async () => {
	const result = await json({inputs: [fixtures]});
	const login = result.hooks.find(row => row.plugin === 'auth' && row.op === 'login');
	assert.ok(login);
	assert.equal(login.calls, 20);
	assert.equal(login.errors, 1);
	// Buckets 10 ns x6, 20 ns x4, 40 ns x10: the median is 20 ns, p95 40 ns, max 40 ns.
	assert.equal(login.p50Ms, 20e-6);
	assert.equal(login.p95Ms, 40e-6);
	assert.equal(login.maxMs, 40e-6);
	const auth = result.plugins.find(row => row.plugin === 'auth');
	assert.equal(auth?.loadMs, 12.5);
	assert.equal(result.plugins.find(row => row.plugin === 'db')?.calls, 4);
});

test('a line split across rotated files is counted as invalid, not fatal', async () => {
	const result = await json({inputs: [join(fixtures, 'perf.1.log'), join(fixtures, 'perf.2.log')]});
	assert.equal(result.lines.invalid.truncated, 1, 'the cut-off end of perf.1.log');
	assert.equal(result.lines.invalid.json, 1, 'the orphaned start of perf.2.log');
	assert.ok(!result.hooks.some(row => row.op === 'lost'));
});

test('slowest calls, alerts timeline and memory come out in order', async () => {
	const result = await json({inputs: [fixtures]});
	assert.deepEqual(
		result.slowest.map(call => [call.plugin, call.ms]),
		[
			['db', 3000],
			['auth', 1500.5],
		],
	);
	assert.deepEqual(
		result.alerts.timeline.map(alert => alert.state),
		['active', 'resolved'],
	);
	assert.equal(result.memory.length, 1);
	assert.equal(result.memory[0]?.rssMax, 104857600);
});

test('--plugin, --hook, --since and --until filter records', async () => {
	const db = await json({inputs: [fixtures], plugin: 'db'});
	assert.deepEqual(
		db.plugins.map(row => row.plugin),
		['db'],
	);
	assert.deepEqual(
		db.slowest.map(call => call.plugin),
		['db'],
	);
	const login = await json({inputs: [fixtures], hook: 'login'});
	assert.deepEqual(
		login.hooks.map(row => row.op),
		['login'],
	);
	const early = await json({inputs: [fixtures], until: new Date(T + 15_000).toISOString()});
	assert.equal(early.hooks.find(row => row.op === 'login')?.calls, 9);
	const late = await json({inputs: [fixtures], since: String(T + 15_000)});
	assert.equal(late.hooks.find(row => row.op === 'login')?.calls, 11);
	const relative = await json({inputs: [fixtures], since: '45s'});
	assert.equal(relative.hooks.find(row => row.op === 'login')?.calls, 11, '45 s before now = T+15 s');
});

test('gzip files are read like plain ones, and a glob expands in rotation order', async t => {
	const dir = tempDir(t);
	writeFileSync(join(dir, 'perf.1.log.gz'), gzipSync(readFileSync(join(fixtures, 'perf.1.log'))));
	copyFileSync(join(fixtures, 'perf.2.log'), join(dir, 'perf.2.log'));
	const result = await json({inputs: [join(dir, 'perf.*')]});
	assert.deepEqual(
		result.inputs.map(input => [input.path.split('/').pop(), input.gzip]),
		[
			['perf.1.log.gz', true],
			['perf.2.log', false],
		],
	);
	assert.equal(result.hooks.find(row => row.op === 'login')?.calls, 20);
});

test('the text report shows plugins, hooks, slow calls and alerts', async () => {
	const {code, out} = await run({inputs: [fixtures]});
	assert.equal(code, AnalyzeExit.ok);
	assert.match(out, /Plugins\n\s+plugin\s+calls/);
	assert.match(out, /auth\s+login\s+20\s+1\s+5\.0%/);
	assert.match(out, /db\s+query\s+3,000|db\s+query\s+3000/);
	assert.match(out, /active\s+response\s+auth/);
	assert.match(out, /invalid lines: 2/);
});

test('--csv prints one row per plugin and per hook', async () => {
	const {code, out} = await run({inputs: [fixtures], csv: true});
	assert.equal(code, AnalyzeExit.ok);
	const rows = out.trim().split('\n');
	assert.equal(rows[0], 'level,plugin,hook,calls,errors,errorRate,slow,p50Ms,p95Ms,p99Ms,minMs,maxMs,meanMs,totalMs');
	assert.ok(rows.includes('hook,auth,login,20,1,0.05,0,0.00002,0.00004,0.00004,0.00001,0.00004,1,20'), rows.join('\n'));
	assert.equal(rows.filter(row => row.startsWith('plugin,')).length, 2);
});

test('usage errors exit 2 with a message', async () => {
	for (const options of [{inputs: []}, {inputs: [fixtures], since: 'yesterday-ish'}, {inputs: [fixtures], json: true, csv: true}, {inputs: [fixtures], top: -1}, {inputs: [fixtures], compare: true}]) {
		const {code, err} = await run(options);
		assert.equal(code, AnalyzeExit.usage, JSON.stringify(options));
		assert.match(err, /perftop analyze: /);
	}
});

function comparisonLog(path: string, p95Scale: number): void {
	const lines: string[] = [];
	// 100 calls in bucket 1000 (~1 µs) and 10 in a bucket that moves with the scale.
	const tailIndex = Math.round(500 * p95Scale);
	for (const [plugin, scale] of [
		['steady', 1],
		['moving', p95Scale],
	] as const) {
		const high = plugin === 'moving' ? tailIndex : 500;
		lines.push(JSON.stringify({level: 30, time: T, pid: 1, perftop: 1, ev: 'summary', op: 'run', plugin, kind: 'hook', from: T - 1000, count: 110, errors: 0, slow: 0, totalMs: 1, minMs: 0.00006, maxMs: 0.001 * scale, h: [100, 100, high, 10]}));
	}
	writeFileSync(path, lines.join('\n') + '\n');
}

test('--compare lists a p95 regression and exits 1; no regression exits 0', async t => {
	const dir = tempDir(t);
	comparisonLog(join(dir, 'a.log'), 1);
	comparisonLog(join(dir, 'b.log'), 1.5);
	const regressed = await run({inputs: [], compare: [join(dir, 'a.log'), join(dir, 'b.log')]});
	assert.equal(regressed.code, AnalyzeExit.regressions, regressed.out + regressed.err);
	assert.match(regressed.out, /Regressions \(2\)/);
	assert.match(regressed.out, /hook\s+moving\s+run/);
	assert.doesNotMatch(regressed.out.split('Improvements')[0]!, /steady/);
	const same = await run({inputs: [join(dir, 'a.log'), join(dir, 'a.log')], compare: true, json: true});
	assert.equal(same.code, AnalyzeExit.ok);
	assert.equal((JSON.parse(same.out) as {regressions: unknown[]}).regressions.length, 0);
	const lenient = await run({inputs: [], compare: [join(dir, 'a.log'), join(dir, 'b.log')], threshold: 1000});
	assert.equal(lenient.code, AnalyzeExit.ok, 'a threshold above the change finds nothing');
});

test('records of one series merge into one row with the summed count', async t => {
	const dir = tempDir(t);
	const line = readFileSync(join(fixtures, 'perf.2.log'), 'utf8').split('\n')[1]!;
	writeFileSync(join(dir, 'big.log'), (line + '\n').repeat(5000));
	const result: AnalysisResult = await analyzeInputs([join(dir, 'big.log')]);
	assert.equal(result.hooks.find(row => row.op === 'login')?.calls, 11 * 5000);
	assert.equal(result.hooks.length, 1);
});

test('past the series cap, further series fold into one (other) row and the result says so', async t => {
	const dir = tempDir(t);
	const lines = ['a', 'b', 'c', 'd', 'e'].map((op, index) => JSON.stringify({level: 30, time: T, pid: 1, perftop: 1, ev: 'summary', op, plugin: 'p', kind: 'hook', from: T - 1000, count: index + 1, errors: 0, slow: 0, totalMs: 1, minMs: 0.001, maxMs: 0.001, h: [1000, index + 1]}));
	writeFileSync(join(dir, 'many.log'), lines.join('\n') + '\n');
	const result = await analyzeInputs([join(dir, 'many.log')], {seriesCap: 2});
	assert.equal(result.seriesCapped, true);
	assert.deepEqual(
		result.hooks.map(row => [row.op, row.calls]),
		[
			['(other)', 3 + 4 + 5],
			['a', 1],
			['b', 2],
		],
	);
});

test('analyze on a missing file prints only the error and exits 2; with another readable input it reports and exits 3', async t => {
	const missing = join(tempDir(t), 'missing.log');
	const alone = await run({inputs: [missing]});
	assert.equal(alone.code, AnalyzeExit.usage);
	assert.equal(alone.out, '', 'no empty report');
	assert.equal(alone.err, `perftop analyze: ${missing}: no such file or directory\n`);
	const compared = await run({inputs: [], compare: [missing, fixtures]});
	assert.equal(compared.code, AnalyzeExit.usage);
	assert.equal(compared.out, '');
	assert.match(compared.err, /missing\.log: no such file or directory/);
	const mixed = await run({inputs: [missing, fixtures]});
	assert.equal(mixed.code, AnalyzeExit.inputProblem);
	assert.match(mixed.out, /auth\s+login\s+20/);
});

test('long names stay distinguishable in the report and the comparison: shortened in the middle, widened where they would read alike', async t => {
	const dir = tempDir(t);
	const statuses = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded', 'on-hold', 'failed', 'returned', 'archived'];
	const sql = (status: string) => `SELECT * FROM orders WHERE status = '${status}' ORDER BY created_at DESC LIMIT 50`;
	const lines = statuses.map(status => JSON.stringify({level: 30, time: T, pid: 1, perftop: 1, ev: 'summary', op: sql(status), plugin: 'db', kind: 'hook', from: T - 1000, count: 30, errors: 0, slow: 0, totalMs: 1, minMs: 0.001, maxMs: 0.001, h: [1000, 30]}));
	// Ten names that differ only in the middle, and one that differs only at its end.
	lines.push(JSON.stringify({level: 30, time: T, pid: 1, perftop: 1, ev: 'summary', op: `${sql('paid')} OFFSET 100`, plugin: 'db', kind: 'hook', from: T - 1000, count: 30, errors: 0, slow: 0, totalMs: 1, minMs: 0.001, maxMs: 0.001, h: [1000, 30]}));
	writeFileSync(join(dir, 'a.log'), lines.join('\n') + '\n');
	const {out} = await run({inputs: [join(dir, 'a.log')]});
	const hooks = out.split('Hooks and operations\n')[1]!.split('\n\n')[0]!.split('\n').slice(2).filter(line => line.trim() !== '');
	assert.equal(hooks.length, 11);
	const names = hooks.map(line => line.trim().split(/\s{2,}/)[1]!);
	assert.equal(new Set(names).size, 11, `every row reads differently:\n${names.join('\n')}`);
	for (const status of statuses) assert.ok(names.some(name => name.includes(status)), `${status} is visible`);
	assert.ok(names.every(name => name.startsWith('SELECT * FROM orders')), 'the start is kept');

	const compared = await run({inputs: [], compare: [join(dir, 'a.log'), join(dir, 'a.log')], minCalls: 1, threshold: 1000});
	assert.equal(compared.code, AnalyzeExit.ok);
});

test('middleEllipsis keeps the start and the end', () => {
	assert.equal(middleEllipsis('abcdefghij', 10), 'abcdefghij');
	assert.equal(middleEllipsis('abcdefghijkl', 7), 'abc…jkl');
	assert.equal(middleEllipsis('abcdefghijkl', 6), 'abc…kl');
	assert.equal(middleEllipsis('abcdefghijkl', 1), '…');
});
