import assert from 'node:assert/strict';
import {test} from 'node:test';
import {serve} from '../../../source/host/ipc/server.js';
import {tempDir} from '../../helpers/host-process.js';
import {fakeMonitor} from './fake-monitor.js';
import {rawPeer} from './raw-client.js';

test('over a real socket, commands split at every byte of a multi-message buffer are all answered', async t => {
	const monitor = fakeMonitor();
	const server = await serve(monitor, {path: `${tempDir(t)}/h.sock`, cleanupOnExit: false});
	t.after(() => server.close());
	const ids = ['ä-1', '€€-2', '😀-3'];
	const buffer = Buffer.from(ids.map(id => JSON.stringify({v: 1, type: 'command', id, name: 'clear-cache', args: {name: 'users'}}) + '\n').join(''));
	const peers = [];
	for (let split = 1; split < buffer.length; split++) {
		const peer = await rawPeer(server.path);
		peer.socket.write(buffer.subarray(0, split));
		peers.push({peer, split});
	}
	await new Promise(resolve => setTimeout(resolve, 5));
	for (const {peer, split} of peers) peer.socket.write(buffer.subarray(split));
	for (const {peer, split} of peers) {
		for (const id of ids) {
			const result = await peer.waitFor(message => message['type'] === 'result' && message['id'] === id);
			assert.equal(result['ok'], true, `split at ${split}, command ${id}`);
		}
		peer.socket.destroy();
	}
	assert.equal(server.stats().invalidMessages, 0);
});
