import assert from 'node:assert/strict';
import {createServer, type Server, type Socket} from 'node:net';
import {test, type TestContext} from 'node:test';
import {serve, type IpcServer} from '../../../source/host/ipc/server.js';
import type {Snapshot} from '../../../source/protocol/snapshot.js';
import {ProtocolError} from '../../../source/protocol/errors.js';
import type {HostEvent} from '../../../source/protocol/messages.js';
import {PerftopClient, type ClientStatus} from '../../../source/tui/client/perftop-client.js';
import {connectOnce} from '../../../source/tui/client/connect-once.js';
import {tempDir} from '../../helpers/host-process.js';
import {fakeMonitor, type FakeMonitor} from '../../host/ipc/fake-monitor.js';
import {waitUntil} from '../../host/ipc/raw-client.js';

async function host(t: TestContext, path?: string): Promise<{server: IpcServer; monitor: FakeMonitor; path: string}> {
	const monitor = fakeMonitor();
	const socketPath = path ?? `${tempDir(t)}/h.sock`;
	const server = await serve(monitor, {path: socketPath, cleanupOnExit: false});
	t.after(() => server.close());
	return {server, monitor, path: socketPath};
}

/** A raw server that plays a scripted host: `greet` runs for each connection. */
async function fakeHost(t: TestContext, greet: (socket: Socket) => void): Promise<{path: string; server: Server; connections: () => number}> {
	const path = `${tempDir(t)}/f.sock`;
	let connections = 0;
	const sockets = new Set<Socket>();
	const server = createServer(socket => {
		connections++;
		sockets.add(socket);
		socket.on('error', () => {});
		greet(socket);
	});
	await new Promise<void>(resolve => server.listen(path, resolve));
	t.after(() => {
		for (const socket of sockets) socket.destroy();
		return new Promise<void>(resolve => server.close(() => resolve()));
	});
	return {path, server, connections: () => connections};
}

function client(t: TestContext, options: ConstructorParameters<typeof PerftopClient>[0]): PerftopClient {
	const created = new PerftopClient(options);
	t.after(() => created.close());
	return created;
}

const hello = {v: 1, type: 'hello', protocol: 1, host: {name: 'scripted', pid: 1, perftop: '0.1.0'}, capabilities: ['snapshot'], readonly: false};

test('connects, reports connecting then connected with the hello, and delivers snapshots and events', async t => {
	const {path, monitor} = await host(t);
	const perftop = client(t, {path, intervalMs: 100});
	const states: string[] = [];
	const snapshots: Snapshot[] = [];
	const events: HostEvent[] = [];
	perftop.onStatus(status => states.push(status.state));
	perftop.onSnapshot(snapshot => snapshots.push(snapshot));
	perftop.onEvent(event => events.push(event));
	perftop.connect();
	await waitUntil(() => snapshots.length >= 2);
	assert.deepEqual(states, ['connecting', 'connected']);
	assert.equal(perftop.hello?.host.name, 'fake-host');
	assert.equal(perftop.status.state, 'connected');
	monitor.events.emit({kind: 'metrics.reset', at: 5});
	await waitUntil(() => events.length === 1);
	assert.deepEqual(events[0], {kind: 'metrics.reset', at: 5});
});

test('command() resolves with the data, or rejects with the host code', async t => {
	const {path} = await host(t);
	const perftop = await connectOnce({path});
	t.after(() => perftop.close());
	const cleared = await perftop.command<{cleared: unknown[]}>('clear-cache', {name: 'users'});
	assert.deepEqual(cleared, {cleared: [{name: 'users', entries: 3}]});
	await assert.rejects(perftop.command('clear-cache', {name: 'ghost'}), (error: unknown) => error instanceof ProtocolError && error.code === 'E_NOT_FOUND');
	await assert.rejects(perftop.command('heap-snapshot'), {code: 'E_DISABLED'});
});

test('a command with no answer rejects with E_TIMEOUT', async t => {
	const {path} = await fakeHost(t, socket => socket.write(JSON.stringify(hello) + '\n'));
	const perftop = await connectOnce({path, commandTimeoutMs: 150});
	t.after(() => perftop.close());
	await assert.rejects(perftop.command('snapshot'), {code: 'E_TIMEOUT'});
});

test('pending commands reject with E_DISCONNECTED when the connection drops', async t => {
	const {path} = await fakeHost(t, socket => {
		socket.write(JSON.stringify(hello) + '\n');
		socket.once('data', () => socket.destroy());
	});
	const perftop = await connectOnce({path});
	t.after(() => perftop.close());
	await assert.rejects(perftop.command('export'), {code: 'E_DISCONNECTED'});
	await assert.rejects(perftop.command('export'), {code: 'E_DISCONNECTED'}, 'and while disconnected');
});

test('close() rejects pending commands and ends in state closed', async t => {
	const {path} = await fakeHost(t, socket => socket.write(JSON.stringify(hello) + '\n'));
	const perftop = await connectOnce({path});
	const pending = perftop.command('snapshot');
	perftop.close();
	await assert.rejects(pending, {code: 'E_DISCONNECTED'});
	assert.deepEqual(perftop.status, {state: 'closed'});
});

test('a read-only client refuses destructive commands itself', async t => {
	const {path, monitor} = await host(t);
	const perftop = await connectOnce({path, readonly: true});
	t.after(() => perftop.close());
	await assert.rejects(perftop.command('reset-metrics'), {code: 'E_READONLY'});
	assert.equal(monitor.resets, 0);
	assert.equal((await perftop.command<Snapshot>('snapshot')).host.name, 'fake-host');
});

test('after the host goes away it retries with growing delays, then reconnects and resubscribes', async t => {
	const first = await host(t);
	const perftop = client(t, {path: first.path, intervalMs: 100, backoffMs: {initial: 50, max: 200}});
	const statuses: ClientStatus[] = [];
	let snapshots = 0;
	perftop.onStatus(status => statuses.push(status));
	perftop.onSnapshot(() => snapshots++);
	perftop.connect();
	await waitUntil(() => snapshots >= 1);
	await first.server.close();
	await waitUntil(() => statuses.filter(status => status.state === 'disconnected').length >= 4);
	const delays = statuses.flatMap(status => (status.state === 'disconnected' ? [status.retryInMs] : []));
	assert.deepEqual(delays.slice(0, 4), [50, 100, 200, 200]);
	const disconnected = statuses.find(status => status.state === 'disconnected');
	assert.ok(disconnected?.state === 'disconnected' && disconnected.error.length > 0);
	const before = snapshots;
	await host(t, first.path);
	await waitUntil(() => snapshots > before + 1, 5000, 'snapshots after reconnect');
	assert.equal(perftop.status.state, 'connected');
});

test('a host speaking another protocol version gives state incompatible with a clear message, and no retry loop', async t => {
	const fake = await fakeHost(t, socket => socket.write(JSON.stringify({...hello, v: 2, protocol: 2, host: {name: 'future', pid: 2, perftop: '9.0.0'}}) + '\n'));
	const perftop = client(t, {path: fake.path, backoffMs: {initial: 20, max: 20}});
	perftop.connect();
	await waitUntil(() => perftop.status.state === 'incompatible');
	const status = perftop.status;
	assert.ok(status.state === 'incompatible');
	assert.match(status.message, /protocol v2 \(perftop 9\.0\.0\); this perftop speaks v1/);
	await new Promise(resolve => setTimeout(resolve, 200));
	assert.equal(fake.connections(), 1);
	assert.equal(perftop.status.state, 'incompatible');
	await assert.rejects(connectOnce({path: fake.path}), {code: 'E_VERSION'});
});

test('something that is not a perftop host is reported as such', async t => {
	const fake = await fakeHost(t, socket => socket.write('SSH-2.0-OpenSSH_9.6\r\n'));
	await assert.rejects(connectOnce({path: fake.path}), /is not a perftop host/);
});

test('a missing socket is a clear disconnected error naming the path', async t => {
	const path = `${tempDir(t)}/none.sock`;
	await assert.rejects(connectOnce({path}), (error: Error & {systemCode?: string}) => {
		assert.equal(error.message, `no host at ${path} (no such socket)`);
		assert.equal(error.systemCode, 'ENOENT');
		return true;
	});
});

test('server messages split at every byte over a real socket reach the listeners intact', async t => {
	const snapshot = {seq: 7, at: 1, host: {name: 'ü😀', pid: 1}, monitor: {}, process: null, system: null, plugins: [], series: [], caches: null, alerts: []};
	const event = {kind: 'call.slow', op: 'q€', plugin: null, ms: 3, at: 4};
	const buffer = Buffer.from([hello, {v: 1, type: 'snapshot', snapshot}, {v: 1, type: 'event', event}].map(message => JSON.stringify(message) + '\n').join(''));
	let next = 1;
	const fake = await fakeHost(t, socket => {
		const split = next++;
		socket.write(buffer.subarray(0, split));
		setTimeout(() => socket.write(buffer.subarray(split)), 3);
	});
	const received = await Promise.all(
		Array.from({length: buffer.length - 1}, async () => {
			const perftop = client(t, {path: fake.path, subscribe: false, reconnect: false});
			const got: {snapshot?: Snapshot; event?: HostEvent} = {};
			perftop.onSnapshot(value => (got.snapshot = value));
			perftop.onEvent(value => (got.event = value));
			perftop.connect();
			await waitUntil(() => got.event !== undefined, 10_000);
			perftop.close();
			return got;
		}),
	);
	for (const got of received) {
		assert.deepEqual(got.snapshot, snapshot);
		assert.deepEqual(got.event, event);
	}
	assert.equal(fake.connections(), buffer.length - 1);
});
