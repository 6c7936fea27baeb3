import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import {createConnection} from 'node:net';
import {test, type TestContext} from 'node:test';
import {serve, type IpcServer} from '../../../source/host/ipc/server.js';
import {tempDir} from '../../helpers/host-process.js';
import {fakeMonitor, type FakeMonitor} from './fake-monitor.js';
import {rawPeer, waitUntil} from './raw-client.js';

async function start(t: TestContext): Promise<{server: IpcServer; monitor: FakeMonitor; path: string}> {
	const monitor = fakeMonitor();
	const path = `${tempDir(t)}/h.sock`;
	const server = await serve(monitor, {cleanupOnExit: false, path});
	t.after(() => server.close());
	let uncaught: unknown = null;
	const onUncaught = (error: unknown) => (uncaught = error);
	process.on('uncaughtException', onUncaught);
	t.after(() => {
		process.off('uncaughtException', onUncaught);
		assert.equal(uncaught, null, 'nothing was thrown');
	});
	return {server, monitor, path};
}

/** The host still serves a correct snapshot to a well-behaved client, and recorded no fault. */
async function stillServing(path: string, monitor: FakeMonitor): Promise<void> {
	const peer = await rawPeer(path);
	peer.send({v: 1, type: 'command', id: 'check', name: 'snapshot'});
	const result = await peer.waitFor(message => message['type'] === 'result' && message['id'] === 'check');
	assert.equal(result['ok'], true);
	assert.equal(result['data'].host.pid, monitor.host.pid);
	assert.equal(result['data'].seq, monitor.snapshotCalls);
	peer.socket.destroy();
	assert.deepEqual(monitor.faultLog, [], 'no internal fault');
}

const hostileInputs: Array<{name: string; bytes: () => Buffer | string; expect: string; disconnects: boolean}> = [
	{name: 'random bytes', bytes: () => randomBytes(64 * 1024), expect: 'E_', disconnects: true},
	{name: 'a 10 MiB line without a newline', bytes: () => Buffer.alloc(10 * 1024 * 1024, 0x61), expect: 'E_LINE_TOO_LONG', disconnects: true},
	{name: 'deeply nested JSON', bytes: () => '['.repeat(500_000) + ']'.repeat(500_000) + '\n', expect: 'E_PARSE', disconnects: false},
	{
		name: 'deeply nested args',
		bytes: () => `{"v":1,"type":"command","id":"deep","name":"snapshot","args":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}\n`,
		expect: 'result',
		disconnects: false,
	},
	{name: 'an unknown type', bytes: () => '{"v":1,"type":"self-destruct"}\n', expect: 'E_UNKNOWN_TYPE', disconnects: false},
	{name: 'a wrong version', bytes: () => '{"v":99,"type":"subscribe"}\n', expect: 'E_VERSION', disconnects: false},
	{name: 'a non-object', bytes: () => '42\n', expect: 'E_PARSE', disconnects: false},
	{name: 'twenty invalid messages', bytes: () => 'nope\n'.repeat(20), expect: 'E_TOO_MANY_INVALID', disconnects: true},
];

for (const input of hostileInputs) {
	test(`hostile input: ${input.name} gets ${input.expect}${input.disconnects ? ' and a disconnect' : ''}; the host keeps serving`, async t => {
		const {path, monitor, server} = await start(t);
		const peer = await rawPeer(path);
		await peer.waitFor(message => message['type'] === 'hello');
		peer.socket.write(input.bytes());
		const reply = await peer.waitFor(
			message => (input.expect === 'result' && message['type'] === 'result') || (message['type'] === 'error' && String(message['code']).startsWith(input.expect)),
			20_000,
		);
		if (input.expect === 'result') assert.equal(reply['ok'], true);
		else assert.ok(String(reply['code']).startsWith(input.expect), `got ${reply['code']}`);
		if (input.disconnects) {
			await peer.closed;
			await waitUntil(() => server.clients === 0);
		} else {
			peer.send({v: 1, type: 'command', id: 'after', name: 'snapshot'});
			assert.equal((await peer.waitFor(message => message['id'] === 'after'))['ok'], true, 'the same connection still works');
			peer.socket.destroy();
		}
		await stillServing(path, monitor);
	});
}

test('10,000 connect/disconnect cycles leave no client, listener or watcher behind', async t => {
	const {path, monitor, server} = await start(t);
	const cycles = 10_000;
	const parallel = 10;
	let done = 0;
	let refusedForBacklog = 0;
	/** One cycle; resolves false when the listen backlog was full (EAGAIN), so the caller retries. */
	const cycle = (i: number) =>
		new Promise<boolean>(resolve => {
			const socket = createConnection(path);
			socket.on('error', (error: Error & {code?: string}) => resolve(error.code !== 'EAGAIN'));
			socket.on('close', () => resolve(true));
			socket.on('connect', () => {
				// Alternate: plain disconnect, subscribe then vanish, half a command then vanish.
				if (i % 3 === 1) socket.write('{"v":1,"type":"subscribe","intervalMs":100}\n');
				if (i % 3 === 2) socket.write('{"v":1,"type":"comm');
				socket.destroy();
			});
		});
	async function worker(index: number): Promise<void> {
		for (let i = index; i < cycles; i += parallel) {
			while (!(await cycle(i))) {
				refusedForBacklog++;
				await new Promise(resolve => setTimeout(resolve, 1));
			}
			done++;
		}
	}
	await Promise.all(Array.from({length: parallel}, (_, index) => worker(index)));
	assert.equal(done, cycles);
	await waitUntil(() => server.clients === 0, 10_000, 'all clients gone');
	assert.equal(monitor.events.size, 0, 'no event listener left');
	assert.equal(server.stats().subscribed, 0);
	assert.equal(monitor.watchers.at(-1), 0);
	await waitUntil(() => server.stats().connections === cycles, 10_000, `${cycles} connections accepted (backlog retries: ${refusedForBacklog})`);
	await stillServing(path, monitor);
});

test('a client vanishing while big snapshots are being written costs nothing', async t => {
	const {path, monitor, server} = await start(t);
	monitor.bigSeries = 1000;
	for (let i = 0; i < 10; i++) {
		const peer = await rawPeer(path);
		peer.send({v: 1, type: 'subscribe', intervalMs: 100});
		peer.send({v: 1, type: 'command', id: 'e', name: 'export'});
		await new Promise(resolve => setTimeout(resolve, i % 5));
		peer.socket.destroy();
	}
	await waitUntil(() => server.clients === 0);
	monitor.bigSeries = 0;
	await stillServing(path, monitor);
});
