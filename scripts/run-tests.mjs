#!/usr/bin/env node
// Runs every test file under test/ (or the files/folders given) with node's test runner and tsx,
// prints the spec report, and fails when a test fails or when no test ran at all.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, statSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, dirname, relative} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const isTest = name => /\.test\.tsx?$/.test(name);

function collect(path, out) {
	const stat = statSync(path);
	if (stat.isFile()) {
		if (isTest(path)) out.push(path);
		return out;
	}
	for (const entry of readdirSync(path).sort()) {
		if (entry === 'node_modules' || entry === 'bench' || entry === 'fixtures') continue;
		collect(join(path, entry), out);
	}
	return out;
}

const targets = process.argv.slice(2);
const files = [];
for (const target of targets.length > 0 ? targets : ['test', 'plugins-example']) collect(join(root, target), files);
if (files.length === 0) {
	console.error('run-tests: no test files found');
	process.exit(1);
}

const workDir = mkdtempSync(join(tmpdir(), 'perftop-tests-'));
const tapFile = join(workDir, 'report.tap');
const args = [
	'--import', 'tsx', '--conditions=source', '--test', '--test-concurrency=2', '--test-timeout=180000',
	'--test-reporter=spec', '--test-reporter-destination=stdout',
	'--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
	...files.map(file => relative(root, file)),
];
const child = spawn(process.execPath, args, {cwd: root, stdio: 'inherit', env: {...process.env, PERFTOP_TEST: '1'}});
child.on('exit', (code, signal) => {
	const tap = readFileSync(tapFile, 'utf8');
	rmSync(workDir, {recursive: true, force: true});
	const count = name => Number(/^# (\w+) (\d+)$/m.test(tap) ? (tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0) : 0);
	const tests = count('tests');
	const failed = count('fail');
	console.log(`${count('pass')} passed, ${failed} failed, ${count('skipped')} skipped`);
	if (tests === 0) {
		console.error('run-tests: no test was executed; that is a failure');
		process.exit(1);
	}
	process.exit(code === 0 && failed === 0 ? 0 : code || 1);
});
