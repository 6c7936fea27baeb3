import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {createConnection} from 'node:net';
import {join} from 'node:path';
import {test} from 'node:test';
import {promisify} from 'node:util';
import type {PerformanceSummary} from '../../source/host/monitor/monitor.js';
import type {ServerStats} from '../../source/host/ipc/server.js';
import type {MetricsExport, Snapshot} from '../../source/protocol/snapshot.js';
import {startHost, tempDir} from '../helpers/host-process.js';
import {rawPeer} from '../host/ipc/raw-client.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** Runs the real CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
async function perftop(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await run(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'source', 'cli.tsx'), ...args], {
			cwd: root,
			env: {...process.env, CI: 'true'},
			maxBuffer: 64 * 1024 * 1024,
		});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code: number; stdout: string; stderr: string};
		return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr};
	}
}

/** Series stats without the recent-window figures, which move with the clock. */
function settled(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value, (key, inner) => (key === 'recent' || key === 'hookShare' ? undefined : inner)));
}

interface HostStats {
	server: ServerStats;
	memory: NodeJS.MemoryUsage;
	faults: Record<string, number>;
}

test('perftop --attach --once --json prints a snapshot that parses and agrees with the host summary', async t => {
	const host = await startHost(t, ['--socket', join(tempDir(t), 'h.sock'), '--calls', '40']);
	const {code, stdout, stderr} = await perftop('--attach', host.socket, '--once', '--json');
	assert.equal(code, 0, stderr);
	const snapshot = JSON.parse(stdout) as Snapshot;
	const summary = await host.ask<PerformanceSummary>('summary');
	assert.equal(snapshot.host.pid, host.pid);
	assert.deepEqual(settled(snapshot.plugins), settled(summary.plugins));
	assert.deepEqual(settled(snapshot.series), settled(summary.series));
	const db = snapshot.plugins.find(plugin => plugin.name === 'db')!;
	assert.equal(db.calls.count, 80, '40 rounds of query + insert');
	assert.equal(snapshot.plugins.find(plugin => plugin.name === 'flaky')!.calls.errors, 8, 'every fifth flaky call fails');
});

test('perftop --once without a terminal prints a readable table', async t => {
	const host = await startHost(t, ['--socket', join(tempDir(t), 'h.sock'), '--calls', '10']);
	const {code, stdout} = await perftop('--attach', host.socket, '--once');
	assert.equal(code, 0);
	assert.match(stdout, new RegExp(`^basic-host pid ${host.pid} `));
	assert.match(stdout, /^db \[loaded\]\s+20\s/m);
	assert.match(stdout, /^flaky \[loaded\]\s+10\s.*2 \(20\.0%\)$/m);
});

test('perftop --once against a missing socket exits 1 with a clear message', async t => {
	const path = join(tempDir(t), 'none.sock');
	const {code, stdout, stderr} = await perftop('--attach', path, '--once', '--json');
	assert.equal(code, 1);
	assert.equal(stdout, '');
	assert.match(stderr, new RegExp(`no host at ${path}`));
});

test('perftop export writes a file that parses and refuses to overwrite it without --force; perftop list shows the host', async t => {
	const dir = tempDir(t);
	const host = await startHost(t, ['--socket', join(dir, 'h.sock'), '--calls', '5', '--name', 'exporter']);
	const out = join(dir, 'metrics.json');
	const first = await perftop('export', '--attach', host.socket, '--out', out);
	assert.equal(first.code, 0, first.stderr);
	const data = JSON.parse(readFileSync(out, 'utf8')) as MetricsExport;
	assert.equal(data.format, 'perftop-export');
	assert.equal(data.snapshot.host.pid, host.pid);
	assert.ok(data.series.every(series => series.histogram.buckets.length > 0));
	const second = await perftop('export', '--attach', host.socket, '--out', out);
	assert.equal(second.code, 1);
	assert.match(second.stderr, /already exists; use --force/);
	const csv = await perftop('export', '--attach', host.socket, '--out', out, '--format', 'csv', '--force');
	assert.equal(csv.code, 0, csv.stderr);
	assert.match(readFileSync(out, 'utf8'), /^plugin,op,kind,count,errors/);
	const list = await perftop('list', '--dir', dir);
	assert.equal(list.code, 0);
	// NAME PID UPTIME CPU RSS SOCKET, as pm2 ls shows a process's CPU and memory.
	assert.match(list.stdout, /^NAME\s+PID\s+UPTIME\s+CPU\s+RSS\s+SOCKET$/m);
	assert.match(list.stdout, new RegExp(`^exporter\\s+${host.pid}\\s+\\d+s\\s+\\d+(\\.\\d)?%\\s+\\d+(\\.\\d+)? MB\\s+${host.socket}$`, 'm'));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
	test(`the host removes its socket on ${signal} and exits as it would have without perftop`, async t => {
		const host = await startHost(t, ['--socket', join(tempDir(t), 'h.sock')]);
		assert.ok(existsSync(host.socket));
		host.child.kill(signal);
		const exit = await host.exited;
		assert.equal(existsSync(host.socket), false);
		assert.equal(exit.code, signal === 'SIGTERM' ? 143 : 130);
	});
}

test('a real host survives the hostile-input table and 10,000 connect/disconnect cycles, then serves exact snapshots', async t => {
	const host = await startHost(t, ['--socket', join(tempDir(t), 'h.sock'), '--calls', '20']);
	const inputs: Array<Buffer | string> = [
		randomBytes(256 * 1024),
		Buffer.alloc(10 * 1024 * 1024, 0x7b),
		'['.repeat(500_000) + ']'.repeat(500_000) + '\n',
		'{"v":1,"type":"format-disk"}\n',
		'{"v":7,"type":"subscribe"}\n',
		'\u0000\u0001\u0002\n'.repeat(100),
	];
	for (const input of inputs) {
		const peer = await rawPeer(host.socket);
		peer.socket.write(input);
		await peer.waitFor(message => message['type'] === 'error', 20_000);
		peer.socket.destroy();
	}
	let cycles = 0;
	let retries = 0;
	const cycle = () =>
		new Promise<boolean>(resolve => {
			const socket = createConnection(host.socket);
			socket.on('error', (error: Error & {code?: string}) => resolve(error.code !== 'EAGAIN'));
			socket.on('close', () => resolve(true));
			socket.on('connect', () => socket.destroy());
		});
	await Promise.all(
		Array.from({length: 10}, async () => {
			while (cycles < 10_000) {
				cycles++;
				while (!(await cycle())) retries++;
			}
		}),
	);
	// Connections still queued in the listen backlog are accepted shortly after the clients are done.
	let stats = await host.ask<HostStats>('stats');
	for (let wait = 0; stats.server.connections < 10_000 + inputs.length && wait < 1200; wait++) {
		await new Promise(resolve => setTimeout(resolve, 50));
		stats = await host.ask<HostStats>('stats');
	}
	assert.equal(stats.server.connections, 10_000 + inputs.length, `every connection was accepted (${stats.server.connections}; ${retries} retries for a full backlog)`);
	assert.equal(stats.server.clients, 0, 'and none is left attached');
	assert.deepEqual(stats.faults, {}, 'no internal fault in the host');
	const {code, stdout} = await perftop('--attach', host.socket, '--once', '--json');
	assert.equal(code, 0);
	const snapshot = JSON.parse(stdout) as Snapshot;
	const summary = await host.ask<PerformanceSummary>('summary');
	assert.deepEqual(settled(snapshot.plugins), settled(summary.plugins));
	assert.equal(snapshot.plugins.find(plugin => plugin.name === 'db')!.calls.count, 40);
	assert.equal(host.child.exitCode, null, 'the host is still running');
});
