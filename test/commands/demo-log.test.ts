import assert from 'node:assert/strict';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {runAnalyze} from '../../source/commands/analyze.js';
import {runDemo} from '../../source/commands/demo.js';
import {runList} from '../../source/commands/list.js';
import {tempDir} from '../helpers/host-process.js';
import {capture} from './capture.js';

test('the demo serves its socket where perftop list looks, writes its performance log and names it with the analyze command', async t => {
	const dir = tempDir(t);
	const logDir = join(dir, 'log');
	const io = capture();
	const stop = new AbortController();
	const running = runDemo({headless: true, rate: 50, dataDir: join(dir, 'data'), logDir, signal: stop.signal, ...io}, async () => 0);
	// A failed assertion still stops the demo and its host.
	t.after(async () => {
		stop.abort();
		await running;
	});
	const deadline = Date.now() + 120_000;
	while (!io.printed().includes('attach with:') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100));
	assert.match(io.printed(), /attach with: .* --attach \S+/, io.printed() + io.complained());
	assert.match(io.printed(), new RegExp(`^performance log: ${logDir}$`, 'm'));
	const socket = io.printed().match(/^socket: (\S+)$/m)![1]!;

	// perftop list, with its default directory, shows the demo's host.
	const listed = capture();
	assert.equal(await runList({...listed}), 0);
	assert.match(listed.printed(), new RegExp(`^orders-service\\s+\\d+\\s.*\\s${socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), listed.printed());

	// The hint is a command that runs here (the test runs the sources with node and tsx, not an installed perftop).
	const hint = io.printed().match(/^attach with: (.*) --attach /m)![1]!;
	assert.notEqual(hint, 'perftop');
	assert.match(hint, /^node |^npm run perftop --$/);

	await new Promise(resolve => setTimeout(resolve, 1500));
	stop.abort();
	assert.equal(await running, 0);
	assert.match(io.printed(), new RegExp(`performance log written to ${logDir}\\nread it with: .* analyze ${logDir}\\n$`));
	assert.ok(readdirSync(logDir).length > 0, 'the log directory has files');

	let report = '';
	const code = await runAnalyze({inputs: [logDir]}, {out: text => (report += text), err: () => {}});
	assert.equal(code, 0, report);
	assert.match(report, /records from 1 process/);
	assert.match(report, /^ {2}database\s+[1-9]/m, 'the orders plugins and their calls are in the report');
	const after = capture();
	await runList({...after});
	assert.doesNotMatch(after.printed(), new RegExp(socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the socket is gone with the demo');
});

test('the fastify example refuses --log-dir: it writes no performance log', async t => {
	const io = capture();
	assert.equal(await runDemo({headless: true, example: 'fastify', logDir: join(tempDir(t), 'log'), ...io}, async () => 0), 2);
	assert.match(io.complained(), /--log-dir: the fastify example writes no performance log/);
});
