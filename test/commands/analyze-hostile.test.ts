import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {createGzip, gzipSync} from 'node:zlib';
import {randomBytes} from 'node:crypto';
import {pipeline} from 'node:stream/promises';
import {Readable} from 'node:stream';
import {analyzeInputs} from '../../source/analyze/analyze.js';
import {AnalyzeExit, runAnalyze} from '../../source/commands/analyze.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const fixtures = join(here, '..', 'fixtures', 'logs');
const MiB = 1024 * 1024;

function tempDir(t: {after: (fn: () => void) => void}): string {
	const dir = mkdtempSync(join(tmpdir(), 'pt-ho-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	return dir;
}

async function run(inputs: string[]): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const code = await runAnalyze({inputs}, {out: text => (out += text), err: text => (err += text)});
	return {code, out, err};
}

interface ChildResult {
	maxRssBytes: number;
	records: number;
	problems: string[];
	lines: {invalid: Record<string, number>};
}

async function analyzeInChild(inputs: string[], limits: Record<string, number> = {}): Promise<ChildResult> {
	const {stdout} = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(here, '..', 'analyze', 'measure-child.ts'), JSON.stringify(limits), ...inputs], {cwd: root, maxBuffer: 1 << 20});
	return JSON.parse(stdout) as ChildResult;
}

const validLine = () => readFileSync(join(fixtures, 'perf.2.log'), 'utf8').split('\n')[1]!;

test('random bytes: invalid lines counted, no records, exit 4 with a message', async t => {
	const dir = tempDir(t);
	writeFileSync(join(dir, 'noise.log'), randomBytes(2 * MiB));
	const {code, out, err} = await run([join(dir, 'noise.log')]);
	assert.equal(code, AnalyzeExit.noRecords);
	assert.match(out, /invalid lines: [\d,]+/);
	assert.match(err, /no perftop records/);
});

test('a 200 MB line is skipped without being held in memory; the lines around it count', async t => {
	const dir = tempDir(t);
	const path = join(dir, 'long.log');
	const line = validLine();
	const block = Buffer.alloc(4 * MiB, 'x');
	async function* content() {
		yield `${line}\n{"perftop":1,"ev":"summary","junk":"`;
		for (let written = 0; written < 200 * MiB; written += block.length) yield block;
		yield `"}\n${line}\n`;
	}
	await pipeline(Readable.from(content()), createWriteStream(path));
	const result = await analyzeInChild([path]);
	assert.equal(result.records, 2);
	assert.equal(result.lines.invalid['oversized'], 1);
	assert.ok(result.maxRssBytes < 150 * MiB, `peak RSS ${(result.maxRssBytes / MiB).toFixed(0)} MiB`);
});

test('a truncated gzip: the lines before the cut count, the damage is reported, exit 3', async t => {
	const dir = tempDir(t);
	const whole = gzipSync(Buffer.from((validLine() + '\n').repeat(20_000)));
	writeFileSync(join(dir, 'cut.log.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
	const result = await analyzeInputs([join(dir, 'cut.log.gz')]);
	assert.ok(result.lines.records > 100 && result.lines.records < 20_000, `${result.lines.records} records before the cut`);
	assert.match(result.problems.join('\n'), /cut\.log\.gz: gzip data ends early/);
	const {code} = await run([join(dir, 'cut.log.gz')]);
	assert.equal(code, AnalyzeExit.inputProblem);
});

test('a gzip bomb stops at the decompression cap with a message and bounded memory', async t => {
	const dir = tempDir(t);
	const path = join(dir, 'bomb.log.gz');
	const zeros = Buffer.alloc(4 * MiB, '\n');
	async function* content() {
		for (let written = 0; written < 128 * MiB; written += zeros.length) yield zeros;
	}
	await pipeline(Readable.from(content()), createGzip({level: 9}), createWriteStream(path));
	const result = await analyzeInChild([path], {minInflateCap: 16 * MiB, maxInflateRatio: 100});
	assert.match(result.problems.join('\n'), /decompressed size passed/);
	assert.ok(result.maxRssBytes < 150 * MiB, `peak RSS ${(result.maxRssBytes / MiB).toFixed(0)} MiB`);
});

test('a directory without logs and a missing file are named; the rest is still read', async t => {
	const dir = tempDir(t);
	mkdirSync(join(dir, 'empty'));
	mkdirSync(join(dir, 'empty', 'trap.log'));
	const {code, out, err} = await run([join(dir, 'empty'), join(dir, 'missing.log'), join(dir, 'nothing-*.log'), fixtures]);
	assert.equal(code, AnalyzeExit.inputProblem);
	assert.match(out, /empty: a directory without log files/);
	assert.match(out, /missing\.log: no such file or directory/);
	assert.match(out, /nothing-\*\.log: no files match this pattern/);
	assert.match(out, /auth\s+login\s+20/, 'the fixtures were still analyzed');
	assert.equal(err, '');
});

test('a file with a future schema version is reported as such', async t => {
	const dir = tempDir(t);
	writeFileSync(join(dir, 'v2.log'), `${validLine().replace('"perftop":1', '"perftop":2')}\n`);
	const result = await analyzeInputs([join(dir, 'v2.log')]);
	assert.equal(result.lines.invalid.version, 1);
	assert.equal(result.lines.records, 0);
});
