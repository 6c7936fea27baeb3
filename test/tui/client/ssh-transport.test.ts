import assert from 'node:assert/strict';
import {homedir} from 'node:os';
import {PassThrough} from 'node:stream';
import {test} from 'node:test';
import {runBridge} from '../../../source/commands/bridge.js';
import {serve} from '../../../source/host/ipc/server.js';
import {encodeLine} from '../../../source/protocol/ndjson.js';
import {PROTOCOL_VERSION} from '../../../source/protocol/version.js';
import {BRIDGE_EXIT_CODES, isSshAddress, parseSshAddress, splitCommand, sshInvocation} from '../../../source/tui/client/ssh-transport.js';
import {tempDir} from '../../helpers/host-process.js';
import {fakeMonitor} from '../../host/ipc/fake-monitor.js';

test('ssh addresses are told apart from socket paths and taken apart', () => {
	assert.equal(isSshAddress('ssh://web1/run/a.sock'), true);
	assert.equal(isSshAddress('/tmp/ssh://x.sock'), false);
	assert.deepEqual(parseSshAddress('ssh://web1/run/a.sock'), {user: undefined, host: 'web1', port: undefined, path: '/run/a.sock'});
	assert.deepEqual(parseSshAddress('ssh://ops@10.0.0.5:2222/run/user/1000/perftop/api.sock'), {user: 'ops', host: '10.0.0.5', port: 2222, path: '/run/user/1000/perftop/api.sock'});
	assert.deepEqual(parseSshAddress('ssh://[::1]:22/tmp/my%20host.sock'), {user: undefined, host: '::1', port: 22, path: '/tmp/my host.sock'});
});

test('malformed or dangerous addresses are refused with the form to use', () => {
	for (const [address, why] of [
		['ssh://web1', /no socket path/],
		['ssh://web1/', /no socket path/],
		['ssh://-oProxyCommand=touch%20x/tmp/a.sock', /may not start with -/],
		['ssh://-x@web1/tmp/a.sock', /may not start with -/],
		['ssh://ops:secret@web1/tmp/a.sock', /passwords do not belong/],
		['ssh://web1/tmp/a.sock?x=1', /no \? or #/],
	] as const) {
		assert.throws(() => parseSshAddress(address), (error: Error) => why.test(error.message) && error.message.includes('ssh://[user@]server[:port]/path/to/host.sock'), address);
	}
});

test('the ssh command: the user\'s words first (theirs win), no terminal, the destination after --, the path quoted for the remote shell', () => {
	const {command, args} = sshInvocation(parseSshAddress("ssh://ops@web1:2222/tmp/it's here.sock"), {sshCommand: 'ssh -F "/home/me/my config" -o ConnectTimeout=30', remoteCommand: '/srv/app/node_modules/.bin/perftop'});
	assert.equal(command, 'ssh');
	assert.deepEqual(args.slice(0, 4), ['-F', '/home/me/my config', '-o', 'ConnectTimeout=30']);
	assert.ok(args.indexOf('ConnectTimeout=10') > args.indexOf('ConnectTimeout=30'), 'the default comes after the user\'s option, which ssh takes first');
	assert.ok(args.includes('-T'));
	assert.deepEqual(args.slice(-5), ['-p', '2222', '--', 'ops@web1', `/srv/app/node_modules/.bin/perftop bridge '/tmp/it'\\''s here.sock'`]);
	assert.deepEqual(sshInvocation(parseSshAddress('ssh://web1/run/a.sock')).args.slice(-2), ['web1', 'perftop bridge /run/a.sock']);
});

test('commands split like a shell splits plain and quoted words', () => {
	assert.deepEqual(splitCommand(`ssh  -F 'a b' -o "X=\\"y\\"" c\\ d`), ['ssh', '-F', 'a b', '-o', 'X="y"', 'c d']);
	assert.deepEqual(splitCommand(`ssh ''`), ['ssh', '']);
	assert.deepEqual(splitCommand(`ssh -F ~/.ssh/c '~/x' a~b ~`), ['ssh', '-F', `${homedir()}/.ssh/c`, '~/x', 'a~b', homedir()]);
	assert.throws(() => splitCommand(`ssh 'open`), /unbalanced/);
});

test('perftop bridge relays a session to the host and ends when its input ends', async t => {
	const path = `${tempDir(t)}/h.sock`;
	const server = await serve(fakeMonitor(), {path, cleanupOnExit: false});
	t.after(() => server.close());
	const stdin = new PassThrough();
	const stdout = new PassThrough();
	let output = '';
	stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	const done = runBridge({socket: path, stdin, stdout, stderr: {write: () => true}});
	stdin.end(encodeLine({v: PROTOCOL_VERSION, type: 'command', id: 'c1', name: 'snapshot'}));
	assert.equal(await done, 0);
	const lines = output.trim().split('\n').map(line => JSON.parse(line) as {type: string; id?: string; ok?: boolean});
	assert.equal(lines[0]?.type, 'hello', 'the host\'s greeting came through');
	assert.ok(lines.some(line => line.type === 'result' && line.id === 'c1' && line.ok === true), 'and the result of the command sent before the input ended');
});

test('perftop bridge says why it cannot reach the socket and exits with the code the client maps back', async t => {
	const path = `${tempDir(t)}/none.sock`;
	let said = '';
	const code = await runBridge({socket: path, stdin: new PassThrough(), stdout: new PassThrough(), stderr: {write: (text: string) => (said += text)}});
	assert.equal(code, BRIDGE_EXIT_CODES.ENOENT);
	assert.equal(said, `perftop bridge: no host at ${path} (no such socket)\n`);
});
