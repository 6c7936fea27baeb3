import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import type {AlertData, ProcessSection} from '../../../source/protocol/snapshot.js';

const root = join(import.meta.dirname, '../../..');
const host = join(import.meta.dirname, 'fixtures/memory-host.ts');

interface HostRun {
	code: number | null;
	changes: AlertData[];
	final: {alerts: AlertData[]; process: ProcessSection | null; retainedChunks: number} | null;
	stderr: string;
}

/** Runs the fixture host in a child process and collects its JSON lines. */
function runHost(t: {after(fn: () => void): void}, mode: string, runMs: number, killAfterMs = 60_000): Promise<HostRun> {
	const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=source', host, mode, String(runMs)], {
		cwd: root,
		env: {...process.env, PERFTOP_QUIET_FAULTS: '1'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
	t.after(() => {
		clearTimeout(killer);
		if (child.exitCode === null) child.kill('SIGKILL');
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
	return new Promise(resolve => {
		child.on('exit', code => {
			clearTimeout(killer);
			const lines = stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as {type: string; alert?: AlertData});
			const changes = lines.filter(line => line.type === 'alert').map(line => line.alert!);
			const final = (lines.find(line => line.type === 'snapshot') ?? null) as HostRun['final'];
			resolve({code, changes, final, stderr});
		});
	});
}

describe('samplers and alerts in a live host', () => {
	it('a host that retains memory steadily gets the memory-budget and heap-growth alerts', async t => {
		const run = await runHost(t, 'leak', 30_000);
		assert.equal(run.code, 0, run.stderr);
		assert.ok(run.final, 'the host printed its final snapshot');
		const ids = run.final.alerts.map(alert => alert.id);
		const state = `active alerts: ${ids.join(', ')}; process: ${JSON.stringify(run.final.process)}`;
		assert.ok(ids.includes('memory-budget:process'), state);
		assert.ok(ids.includes('heap-growth:process'), state);
		const memory = run.final.alerts.find(alert => alert.id === 'memory-budget:process')!;
		const baseline = run.final.process?.baselineRss;
		assert.ok(baseline, 'a baseline was taken');
		assert.equal(memory.threshold, Math.round(baseline * 1.2));
		assert.ok(memory.value > memory.threshold);
		assert.ok(run.changes.some(alert => alert.id === 'memory-budget:process' && alert.state === 'active'), 'the callback saw the raise');
		const growth = run.final.process?.heapGrowth;
		assert.ok(growth?.growing && growth.toBytes! > growth.fromBytes!);
	});

	it('a host that allocates and frees the same amount gets neither alert', async t => {
		const run = await runHost(t, 'churn', 6000);
		assert.equal(run.code, 0, run.stderr);
		assert.ok(run.final);
		assert.equal(run.final.retainedChunks, 0);
		assert.ok(run.final.process?.baselineRss, 'the warm-up finished, so the budget was in force');
		const raised = run.changes.filter(alert => alert.rule === 'memory-budget' || alert.rule === 'heap-growth');
		assert.deepEqual(raised, [], JSON.stringify(run.final.process));
		assert.deepEqual(run.final.alerts.filter(alert => alert.rule === 'memory-budget' || alert.rule === 'heap-growth'), []);
	});

	it('never keeps the host alive: a host that only starts the monitor exits by itself', async t => {
		const run = await runHost(t, 'idle', 0, 20_000);
		assert.equal(run.code, 0, `the host had to be killed (${run.stderr})`);
	});
});
