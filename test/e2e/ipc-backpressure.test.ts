import assert from 'node:assert/strict';
import {join} from 'node:path';
import {test} from 'node:test';
import {DEFAULT_MAX_PENDING_BYTES, type ServerStats} from '../../source/host/ipc/server.js';
import {startHost, tempDir} from '../helpers/host-process.js';
import {rawPeer} from '../host/ipc/raw-client.js';

interface HostStats {
	server: ServerStats;
	memory: NodeJS.MemoryUsage;
	faults: Record<string, number>;
}

/**
 * A client that stops reading while ~1 MB snapshots flow at 10 Hz. Unbounded, 10 s would queue ~100 snapshots
 * (100+ MB) in the host; with the 4 MiB cap the host holds at most the cap plus one snapshot. 10 s proves the
 * bound: the cap is reached within the first second and the rest is skipped.
 */
test('a client that stops reading leaves host memory bounded by the cap while snapshots flow at 10 Hz', async t => {
	const host = await startHost(t, ['--socket', join(tempDir(t), 'h.sock'), '--series', '600', '--name-pad', '1200', '--every', '100']);
	const reader = await rawPeer(host.socket);
	reader.send({v: 1, type: 'subscribe', intervalMs: 100});
	const first = await reader.waitFor(message => message['type'] === 'snapshot', 20_000);
	const snapshotBytes = Buffer.byteLength(JSON.stringify(first)) + 1;
	assert.ok(snapshotBytes > 800_000, `snapshots are big (${snapshotBytes} bytes)`);

	const before = await host.ask<HostStats>('stats');
	const stalled = await rawPeer(host.socket);
	stalled.socket.pause();
	stalled.send({v: 1, type: 'subscribe', intervalMs: 100});
	const samples: HostStats[] = [];
	for (let second = 0; second < 10; second++) {
		await new Promise(resolve => setTimeout(resolve, 1000));
		samples.push(await host.ask<HostStats>('stats'));
	}
	const after = samples.at(-1)!;
	const largest = Math.max(...reader.messages.filter(message => message['type'] === 'snapshot').map(message => Buffer.byteLength(JSON.stringify(message)) + 1));
	const unbounded = after.server.snapshotsSkipped * snapshotBytes;
	assert.ok(unbounded > 4 * DEFAULT_MAX_PENDING_BYTES, `enough snapshots were skipped for the stalled client to prove the bound (${after.server.snapshotsSkipped})`);
	assert.ok(after.server.snapshotsSkipped > 0, `snapshots were skipped for the stalled client (${after.server.snapshotsSkipped}, ${Math.round(unbounded / 1048576)} MiB not queued)`);
	assert.ok(after.server.maxPendingBytes <= DEFAULT_MAX_PENDING_BYTES + largest, `pending ${after.server.maxPendingBytes} <= cap + one snapshot (${largest})`);
	const peakBuffers = Math.max(...samples.map(sample => sample.memory.arrayBuffers));
	// Per client at most the cap plus one snapshot; two clients here (the reader may lag too, its snapshots share
	// the same buffers), plus the line of the current tick, one being released and the socket layer's own
	// buffers (seen up to one cap more on a loaded machine). Unbounded it would be 100+ MiB.
	const bound = 3 * (DEFAULT_MAX_PENDING_BYTES + largest);
	assert.ok(peakBuffers - before.memory.arrayBuffers < bound, `retained buffers grew by ${Math.round((peakBuffers - before.memory.arrayBuffers) / 1048576)} MiB (bound ${Math.round(bound / 1048576)} MiB)`);
	const received = reader.messages.filter(message => message['type'] === 'snapshot').length;
	assert.ok(received >= 3, `the reading client kept getting snapshots (${received})`);
	assert.deepEqual(after.faults, {});
	stalled.socket.destroy();
	reader.socket.destroy();
});
