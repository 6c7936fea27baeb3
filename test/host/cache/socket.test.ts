import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {connect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {PerformanceMonitor} from '../../../source/index.js';

type Message = Record<string, any>;

/** A client speaking raw NDJSON: sends lines, and waits for the first received message that matches. */
async function rawClient(path: string): Promise<{socket: Socket; send(message: unknown): void; next(match: (message: Message) => boolean): Promise<Message>}> {
	const socket = connect(path);
	const received: Message[] = [];
	const waiters = new Set<() => void>();
	let buffered = '';
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => {
		buffered += chunk;
		let newline: number;
		while ((newline = buffered.indexOf('\n')) !== -1) {
			received.push(JSON.parse(buffered.slice(0, newline)) as Message);
			buffered = buffered.slice(newline + 1);
		}
		for (const waiter of waiters) waiter();
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	return {
		socket,
		send: message => socket.write(JSON.stringify(message) + '\n'),
		next: match =>
			new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('no matching message within 5 s')), 5000);
				const check = (): void => {
					const index = received.findIndex(match);
					if (index === -1) return;
					clearTimeout(timer);
					waiters.delete(check);
					resolve(received.splice(index, 1)[0]!);
				};
				waiters.add(check);
				check();
			}),
	};
}

test('clear via a real socket command updates the snapshot', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'pc-'));
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	t.after(async () => {
		await monitor.stop();
		monitor.cacheRegistry.stop();
		rmSync(dir, {recursive: true, force: true});
	});
	const x = monitor.createCache<string, string>('x');
	const y = monitor.createCache<string, string>('y');
	for (const key of ['a', 'b', 'c']) x.set(key, key.toUpperCase());
	y.set('kept', 'K');
	const server = await monitor.listen({path: join(dir, 's.sock')});
	const client = await rawClient(server.path);
	t.after(() => client.socket.destroy());
	await client.next(message => message['type'] === 'hello');

	client.send({v: 1, type: 'command', id: '1', name: 'clear-cache', args: {name: 'x'}});
	const result = await client.next(message => message['type'] === 'result' && message['id'] === '1');
	assert.equal(result['ok'], true);
	assert.deepEqual(result['data'], {cleared: [{name: 'x', entries: 3}]});

	const local = monitor.snapshot().caches;
	assert.equal(local?.find(cache => cache.name === 'x')?.size, 0);
	assert.equal(local?.find(cache => cache.name === 'x')?.deletes, 3);
	assert.equal(local?.find(cache => cache.name === 'y')?.size, 1);

	client.send({v: 1, type: 'command', id: '2', name: 'snapshot'});
	const snapshot = await client.next(message => message['type'] === 'result' && message['id'] === '2');
	const remote = (snapshot['data'] as {caches: Array<{name: string; size: number}>}).caches;
	assert.deepEqual(
		remote.map(cache => [cache.name, cache.size]),
		[
			['x', 0],
			['y', 1],
		],
	);

	client.send({v: 1, type: 'command', id: '3', name: 'clear-cache', args: {name: 'nope'}});
	const missing = await client.next(message => message['type'] === 'result' && message['id'] === '3');
	assert.equal(missing['ok'], false);
	assert.equal(missing['error']?.code, 'E_NOT_FOUND');
	assert.equal(y.get('kept'), 'K');
});
