import assert from 'node:assert/strict';
import {test, type TestContext} from 'node:test';
import {serve, type IpcServer, type ServerOptions} from '../../../source/host/ipc/server.js';
import {tempDir} from '../../helpers/host-process.js';
import {fakeMonitor, type FakeMonitor} from './fake-monitor.js';
import {rawPeer, waitUntil} from './raw-client.js';

async function start(t: TestContext, options: ServerOptions = {}, monitor: FakeMonitor = fakeMonitor()): Promise<{server: IpcServer; monitor: FakeMonitor; path: string}> {
	const path = `${tempDir(t)}/h.sock`;
	const server = await serve(monitor, {cleanupOnExit: false, ...options, path});
	t.after(() => server.close());
	return {server, monitor, path};
}

const command = (id: string, name: string, args?: Record<string, unknown>) => ({v: 1, type: 'command', id, name, ...(args ? {args} : {})});
const resultFor = (id: string) => (message: Record<string, any>) => message['type'] === 'result' && message['id'] === id;

test('a client is greeted with host, protocol version, capabilities and readonly', async t => {
	const {path, monitor} = await start(t);
	const peer = await rawPeer(path);
	const hello = await peer.waitFor(message => message['type'] === 'hello');
	assert.deepEqual(hello['host'], monitor.host);
	assert.equal(hello['v'], 1);
	assert.equal(hello['protocol'], 1);
	assert.equal(hello['readonly'], false);
	assert.deepEqual(hello['capabilities'], ['snapshot', 'export', 'events', 'clear-cache', 'reset-metrics']);
	peer.socket.destroy();
});

test('commands get results with their id: snapshot, export, clear-cache, reset-metrics', async t => {
	const {path, monitor} = await start(t);
	const peer = await rawPeer(path);
	peer.send(command('s', 'snapshot'));
	peer.send(command('e', 'export'));
	peer.send(command('c1', 'clear-cache', {name: 'users'}));
	peer.send(command('c2', 'clear-cache'));
	peer.send(command('r', 'reset-metrics'));
	const snapshot = await peer.waitFor(resultFor('s'));
	assert.equal(snapshot['ok'], true);
	assert.equal(snapshot['data'].host.name, 'fake-host');
	const exported = await peer.waitFor(resultFor('e'));
	assert.equal(exported['data'].format, 'perftop-export');
	assert.equal(exported['data'].series.length, 1);
	assert.deepEqual((await peer.waitFor(resultFor('c1')))['data'], {cleared: [{name: 'users', entries: 3}]});
	assert.deepEqual((await peer.waitFor(resultFor('c2')))['data'], {cleared: [{name: 'users', entries: 0}, {name: 'sessions', entries: 5}]});
	assert.equal((await peer.waitFor(resultFor('r')))['ok'], true);
	assert.equal(monitor.resets, 1);
	peer.socket.destroy();
});

test('command failures come back with stable codes: not found, disabled, unknown, internal', async t => {
	const {path, monitor} = await start(t);
	const peer = await rawPeer(path);
	peer.send(command('nf', 'clear-cache', {name: 'nope'}));
	peer.send(command('hs', 'heap-snapshot'));
	peer.send(command('uc', 'format-disk'));
	peer.send(command('ba', 'clear-cache', {name: 42}));
	assert.equal((await peer.waitFor(resultFor('nf')))['error'].code, 'E_NOT_FOUND');
	assert.equal((await peer.waitFor(resultFor('hs')))['error'].code, 'E_DISABLED');
	assert.equal((await peer.waitFor(resultFor('uc')))['error'].code, 'E_UNKNOWN_COMMAND');
	assert.equal((await peer.waitFor(resultFor('ba')))['error'].code, 'E_BAD_MESSAGE');
	monitor.failWith = new Error('bug in the monitor');
	peer.send(command('in', 'snapshot'));
	const internal = await peer.waitFor(resultFor('in'));
	assert.equal(internal['error'].code, 'E_INTERNAL');
	assert.ok(monitor.faultLog.some(([kind, error]) => kind.startsWith('ipc-') && error === monitor.failWith));
	peer.socket.destroy();
});

test('a readonly host refuses destructive commands with E_READONLY and still answers the others', async t => {
	for (const setup of [{options: {readonly: true}, monitor: fakeMonitor()}, {options: {}, monitor: fakeMonitor({readonly: true, heapSnapshots: true})}]) {
		const {path, monitor} = await start(t, setup.options, setup.monitor);
		const peer = await rawPeer(path);
		const hello = await peer.waitFor(message => message['type'] === 'hello');
		assert.equal(hello['readonly'], true);
		assert.deepEqual(hello['capabilities'], ['snapshot', 'export', 'events']);
		for (const name of ['clear-cache', 'reset-metrics', 'heap-snapshot']) {
			peer.send(command(name, name));
			assert.equal((await peer.waitFor(resultFor(name)))['error'].code, 'E_READONLY');
		}
		assert.equal(monitor.resets, 0);
		assert.equal(monitor.caches.get('users'), 3);
		peer.send(command('s', 'snapshot'));
		assert.equal((await peer.waitFor(resultFor('s')))['ok'], true);
		peer.socket.destroy();
	}
});

test('subscribers get a snapshot at once and then on their interval; the same snapshot goes to every client of an interval', async t => {
	const {path, monitor} = await start(t);
	const peers = await Promise.all(Array.from({length: 5}, () => rawPeer(path)));
	for (const peer of peers) await peer.waitFor(message => message['type'] === 'hello');
	for (const peer of peers) peer.send({v: 1, type: 'subscribe', intervalMs: 100});
	for (const peer of peers) await peer.waitFor(message => message['type'] === 'snapshot' && message['snapshot'].seq >= 4);
	const seqs = peers.map(peer => peer.messages.filter(message => message['type'] === 'snapshot').map(message => message['snapshot'].seq as number));
	const periodic = seqs.map(list => list.slice(-2));
	for (const list of periodic) assert.deepEqual(list, periodic[0], 'every client got the same periodic snapshots');
	assert.ok(monitor.snapshotCalls <= 5 + 4 + 1, `snapshot() built once per tick, not once per client (${monitor.snapshotCalls} calls)`);
	for (const peer of peers) peer.socket.destroy();
});

test('the interval has a floor of 100 ms', async t => {
	const {path} = await start(t);
	const peer = await rawPeer(path);
	peer.send({v: 1, type: 'subscribe', intervalMs: 1});
	await peer.waitFor(message => message['type'] === 'snapshot');
	await new Promise(resolve => setTimeout(resolve, 450));
	const count = peer.messages.filter(message => message['type'] === 'snapshot').length;
	assert.ok(count <= 6, `at most one snapshot per 100 ms, got ${count} in 450 ms`);
	peer.socket.destroy();
});

test('unsubscribe stops snapshots', async t => {
	const {path, server} = await start(t);
	const peer = await rawPeer(path);
	peer.send({v: 1, type: 'subscribe', intervalMs: 100});
	await peer.waitFor(message => message['type'] === 'snapshot');
	peer.send({v: 1, type: 'unsubscribe'});
	peer.send(command('sync', 'snapshot'));
	await peer.waitFor(resultFor('sync'));
	assert.equal(server.stats().subscribed, 0);
	const before = peer.messages.length;
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.equal(peer.messages.length, before);
	peer.socket.destroy();
});

test('events are pushed to subscribers; a slow-call storm is rate-limited per client, other events are not', async t => {
	const {path, monitor, server} = await start(t, {slowEventsPerSecond: 10});
	const watcher = await rawPeer(path);
	const bystander = await rawPeer(path);
	watcher.send({v: 1, type: 'subscribe', intervalMs: 60_000});
	await watcher.waitFor(message => message['type'] === 'snapshot');
	for (let i = 0; i < 10_000; i++) monitor.events.emit({kind: 'call.slow', op: 'q', plugin: 'db', ms: 1500, at: i});
	for (let i = 0; i < 5; i++) monitor.events.emit({kind: 'metrics.reset', at: i});
	await watcher.waitFor(message => message['type'] === 'event' && message['event'].kind === 'metrics.reset' && message['event'].at === 4);
	const events = watcher.messages.filter(message => message['type'] === 'event');
	const slow = events.filter(message => message['event'].kind === 'call.slow').length;
	assert.ok(slow >= 1 && slow <= 25, `slow-call events limited to the burst, got ${slow}`);
	assert.equal(events.filter(message => message['event'].kind === 'metrics.reset').length, 5);
	assert.ok(server.stats().eventsDropped >= 10_000 - 25);
	assert.equal(bystander.messages.filter(message => message['type'] === 'event').length, 0, 'clients that did not subscribe get no events');
	watcher.socket.destroy();
	bystander.socket.destroy();
});

test('the monitor is told how many clients are attached, and events are not listened to when nobody subscribes', async t => {
	const {path, monitor, server} = await start(t);
	const a = await rawPeer(path);
	const b = await rawPeer(path);
	await a.waitFor(message => message['type'] === 'hello');
	await b.waitFor(message => message['type'] === 'hello');
	assert.equal(server.clients, 2);
	assert.equal(monitor.events.size, 0);
	a.send({v: 1, type: 'subscribe'});
	await a.waitFor(message => message['type'] === 'snapshot');
	assert.equal(monitor.events.size, 1);
	a.socket.destroy();
	await waitUntil(() => server.clients === 1);
	assert.equal(monitor.events.size, 0);
	b.socket.destroy();
	await waitUntil(() => server.clients === 0);
	assert.deepEqual(monitor.watchers, [1, 2, 1, 0]);
});

test('close() disconnects clients, removes the socket and resolves; calling it twice is harmless', async t => {
	const {path, server, monitor} = await start(t);
	const peer = await rawPeer(path);
	await peer.waitFor(message => message['type'] === 'hello');
	await server.close();
	await server.close();
	await peer.closed;
	const {existsSync} = await import('node:fs');
	assert.equal(existsSync(path), false);
	assert.equal(monitor.watchers.at(-1), 0);
});
