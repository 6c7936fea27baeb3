import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

async function runUntilSignal(dir: string, signal: NodeJS.Signals, calls: number, slowCalls: number): Promise<{code: number | null; signal: NodeJS.Signals | null}> {
	const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'child-host.ts'), dir, String(calls), String(slowCalls)], {cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, PERFTOP_QUIET_FAULTS: '1'}});
	await new Promise<void>((resolve, reject) => {
		let output = '';
		child.stdout.on('data', chunk => {
			output += String(chunk);
			if (output.includes('ready')) resolve();
		});
		child.once('exit', code => reject(new Error(`child exited early with ${code}`)));
	});
	child.kill(signal);
	return new Promise(resolve => child.once('exit', (code, exitSignal) => resolve({code, signal: exitSignal})));
}

function records(dir: string): Array<Record<string, unknown>> {
	return readdirSync(dir)
		.filter(name => name.endsWith('.log'))
		.flatMap(name => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
		.map(line => JSON.parse(line) as Record<string, unknown>);
}

for (const [signal, exitCode] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
	test(`${signal}: every recorded call and every slow call reaches the log`, async t => {
		const dir = mkdtempSync(join(tmpdir(), 'pt-sig-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		const calls = 5000;
		const slowCalls = 25;
		const exit = await runUntilSignal(dir, signal, calls, slowCalls);
		assert.equal(exit.code, exitCode, 'exits with the conventional code');
		const lines = records(dir);
		const summed = lines.filter(line => line['ev'] === 'summary').reduce((sum, line) => sum + Number(line['count']), 0);
		assert.equal(summed, calls + slowCalls, 'summaries count every call');
		assert.equal(lines.filter(line => line['ev'] === 'call.slow').length, slowCalls, 'one line per slow call');
		assert.equal(lines.filter(line => line['ev'] === 'start').length, 1);
	});
}
