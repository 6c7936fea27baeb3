import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {runDemo} from '../../source/commands/demo.js';
import {tempDir, watch} from './helpers/host-process.js';

function collector(): {write: (text: string) => boolean; text: () => string} {
	let text = '';
	return {write: chunk => ((text += chunk), true), text: () => text};
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

test('runDemo attaches to the host it started and stops the host when the TUI quits', async t => {
	const temp = tempDir();
	t.after(temp.remove);
	const stdout = collector();
	let hostPid = 0;
	let seen = null as {plugins: number; socket: string} | null;
	const code = await runDemo({rate: 50, dataDir: join(temp.dir, 'data'), stdout, stderr: collector()}, async socket => {
		// Stands in for the TUI: watches until the host's plugins have been called, then "quits" with 0.
		const watcher = watch(socket, 200);
		try {
			const snapshot = await watcher.until(s => s.plugins.some(plugin => plugin.calls.count > 0), 30_000, 'plugin calls');
			hostPid = snapshot.host.pid;
			seen = {plugins: snapshot.plugins.length, socket};
		} finally {
			watcher.close();
		}
		return 0;
	});
	assert.equal(code, 0);
	assert.ok(seen, 'attach was called');
	assert.equal(seen!.plugins, 8);
	assert.match(stdout.text(), new RegExp(`socket: ${seen!.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
	assert.equal(alive(hostPid), false, 'the host process is gone after the TUI quit');
});

test('runDemo headless prints the socket, serves it until stopped, and passes the stop to the host', async t => {
	const temp = tempDir();
	t.after(temp.remove);
	const socket = join(temp.dir, 'demo.sock');
	const stdout = collector();
	const stop = new AbortController();
	let attached = false;
	const running = runDemo({headless: true, socket, rate: 20, dataDir: join(temp.dir, 'data'), signal: stop.signal, stdout, stderr: collector()}, async () => {
		attached = true;
		return 0;
	});
	const deadline = Date.now() + 60_000;
	while (!stdout.text().includes(`socket: ${socket}`) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
	assert.ok(stdout.text().includes(`socket: ${socket}`), stdout.text());

	const watcher = watch(socket, 200);
	const snapshot = await watcher.until(() => true, 10_000, 'a snapshot');
	watcher.close();
	assert.equal(snapshot.host.name, 'orders-service');
	stop.abort();
	assert.equal(await running, 0);
	assert.equal(attached, false, 'headless never attaches the TUI');
	assert.equal(alive(snapshot.host.pid), false);
});

test('runDemo reports a host that cannot serve its socket and exits 1', async t => {
	const temp = tempDir();
	t.after(temp.remove);
	const stderr = collector();
	// A regular file where the socket should go: the host refuses to replace something that is not a socket.
	const socket = join(temp.dir, 'taken');
	writeFileSync(socket, 'not a socket');
	const code = await runDemo({headless: true, socket, rate: 0, dataDir: join(temp.dir, 'data'), stdout: collector(), stderr}, async () => 0);
	assert.equal(code, 1);
	assert.match(stderr.text(), /could not serve its socket/);
});
