import assert from 'node:assert/strict';
import {existsSync, lstatSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {runList} from '../../source/commands/list.js';
import {startHost, tempDir} from '../helpers/host-process.js';
import {capture} from './capture.js';

test('list shows a running host (name, pid, uptime, path) and not a killed one; --clean removes only stale sockets', async t => {
	const dir = tempDir(t);
	const [live, killed] = await Promise.all([
		startHost(t, ['--socket', join(dir, 'live.sock'), '--name', 'alive-app']),
		startHost(t, ['--socket', join(dir, 'dead.sock'), '--name', 'dead-app']),
	]);
	killed.child.kill('SIGKILL');
	await killed.exited;
	assert.ok(lstatSync(killed.socket).isSocket(), 'a killed host leaves its socket behind');
	writeFileSync(join(dir, 'notes.sock'), 'not a socket');

	const io = capture();
	assert.equal(await runList({dir, ...io}), 0);
	const lines = io.printed().trimEnd().split('\n');
	assert.match(lines[0]!, /^NAME\s+PID\s+UPTIME\s+CPU\s+RSS\s+SOCKET$/);
	assert.match(lines[1]!, new RegExp(`^alive-app\\s+${live.pid}\\s+\\d+s\\s+\\d+\\.\\d%\\s+\\d+\\.\\d MB\\s+${live.socket}$`));
	assert.doesNotMatch(io.printed(), /dead-app/);
	assert.match(io.printed(), /1 stale socket skipped \(remove with --clean\)/);
	assert.ok(existsSync(killed.socket));

	const cleaning = capture();
	assert.equal(await runList({dir, clean: true, ...cleaning}), 0);
	assert.match(cleaning.printed(), /removed 1 stale socket/);
	assert.equal(existsSync(killed.socket), false);
	assert.ok(existsSync(live.socket), 'the live socket stays');
	assert.equal(readFileSync(join(dir, 'notes.sock'), 'utf8'), 'not a socket', 'a regular file is never removed');
});

test('list in an empty or missing directory says there are no hosts', async t => {
	const io = capture();
	const missing = join(tempDir(t), 'none');
	assert.equal(await runList({dir: missing, ...io}), 0);
	assert.equal(io.printed(), `no live perftop hosts (${missing} does not exist)\n`);
	const empty = capture();
	const dir = tempDir(t);
	assert.equal(await runList({dir, ...empty}), 0);
	assert.equal(empty.printed(), `no live perftop hosts in ${dir}\n`);
});
