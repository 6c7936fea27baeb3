import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import {test} from 'node:test';
import {defaultSocketDir, defaultSocketPath} from '../../../source/host/ipc/paths.js';
import {serve} from '../../../source/host/ipc/server.js';
import {tempDir} from '../../helpers/host-process.js';
import {fakeMonitor} from './fake-monitor.js';
import {rawPeer} from './raw-client.js';

/** Leaves a socket file with nobody listening: a process binds it and is killed. */
function staleSocket(path: string): void {
	const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
	spawnSync(process.execPath, ['-e', script]);
	assert.ok(lstatSync(path).isSocket(), 'the killed process left its socket');
}

test('the socket is 0600 and is removed on close', async t => {
	const path = join(tempDir(t), 'h.sock');
	const server = await serve(fakeMonitor(), {path, cleanupOnExit: false});
	assert.equal(statSync(path).mode & 0o777, 0o600);
	await server.close();
	assert.equal(existsSync(path), false);
});

test('a stale socket (nobody listening) is replaced', async t => {
	const path = join(tempDir(t), 'h.sock');
	staleSocket(path);
	const server = await serve(fakeMonitor(), {path, cleanupOnExit: false});
	t.after(() => server.close());
	const peer = await rawPeer(path);
	assert.equal((await peer.waitFor(message => message['type'] === 'hello'))['host'].name, 'fake-host');
	peer.socket.destroy();
});

test('a live socket is refused with "another host is listening" and keeps working', async t => {
	const path = join(tempDir(t), 'h.sock');
	const live = createServer(socket => {
		socket.on('error', () => {});
		socket.end('still here\n');
	});
	await new Promise<void>(resolve => live.listen(path, resolve));
	t.after(() => live.close());
	await assert.rejects(serve(fakeMonitor(), {path, cleanupOnExit: false}), {message: `perftop: another host is listening on ${path}`});
	const peer = await rawPeer(path).catch(() => null);
	assert.ok(peer, 'the live socket still accepts connections');
	peer.socket.destroy();
});

test('a regular file at the path is never deleted or changed', async t => {
	const path = join(tempDir(t), 'h.sock');
	writeFileSync(path, 'precious data');
	await assert.rejects(serve(fakeMonitor(), {path, cleanupOnExit: false}), /exists and is not a socket/);
	assert.equal(readFileSync(path, 'utf8'), 'precious data');
});

test('a directory at the path is never touched either', async t => {
	const path = join(tempDir(t), 'h.sock');
	mkdirSync(path);
	await assert.rejects(serve(fakeMonitor(), {path, cleanupOnExit: false}), /exists and is not a socket/);
	assert.ok(statSync(path).isDirectory());
});

test('a path longer than Unix allows is a clear error', async t => {
	const path = join(tempDir(t), 'x'.repeat(120) + '.sock');
	await assert.rejects(serve(fakeMonitor(), {path, cleanupOnExit: false}), /longer than the 107 Unix allows/);
});

test('the default path is <XDG_RUNTIME_DIR>/perftop/<name>-<pid>.sock in a 0700 directory', async t => {
	const runtime = tempDir(t);
	const saved = process.env['XDG_RUNTIME_DIR'];
	process.env['XDG_RUNTIME_DIR'] = runtime;
	t.after(() => {
		if (saved === undefined) delete process.env['XDG_RUNTIME_DIR'];
		else process.env['XDG_RUNTIME_DIR'] = saved;
	});
	const monitor = fakeMonitor();
	const server = await serve(monitor, {cleanupOnExit: false});
	t.after(() => server.close());
	assert.equal(server.path, join(runtime, 'perftop', `fake-host-${monitor.host.pid}.sock`));
	assert.equal(statSync(join(runtime, 'perftop')).mode & 0o777, 0o700);
});

test('an existing default directory open to others is made private again', async t => {
	const runtime = tempDir(t);
	mkdirSync(join(runtime, 'perftop'));
	chmodSync(join(runtime, 'perftop'), 0o777);
	const path = defaultSocketPath('my app/../x', 77, {XDG_RUNTIME_DIR: runtime});
	assert.equal(path, join(runtime, 'perftop', 'my_app_.._x-77.sock'));
	const server = await serve(fakeMonitor(), {cleanupOnExit: false, path: join(defaultSocketDir({XDG_RUNTIME_DIR: runtime}), 'a.sock')});
	await server.close();
	assert.equal(statSync(join(runtime, 'perftop')).mode & 0o777, 0o777, 'an explicitly given directory is left as it is');
	const saved = process.env['XDG_RUNTIME_DIR'];
	process.env['XDG_RUNTIME_DIR'] = runtime;
	t.after(() => {
		if (saved === undefined) delete process.env['XDG_RUNTIME_DIR'];
		else process.env['XDG_RUNTIME_DIR'] = saved;
	});
	const own = await serve(fakeMonitor(), {cleanupOnExit: false});
	await own.close();
	assert.equal(statSync(join(runtime, 'perftop')).mode & 0o777, 0o700, 'the default directory is private');
});

test('without XDG_RUNTIME_DIR the default directory is perftop-<uid> under the temp directory', () => {
	const dir = defaultSocketDir({});
	assert.match(dir, new RegExp(`perftop-${process.getuid!()}$`));
});
