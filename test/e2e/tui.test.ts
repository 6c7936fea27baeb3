/**
 * The real TUI in a real terminal (tmux) against real hosts: what an operator sees and what the keys do to
 * the host.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {PerformanceMonitor} from '../../source/index.js';
import {startHost, tempDir} from '../helpers/host-process.js';
import {hasTmux, startTmux, type TmuxSession} from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');

function startTui(t: TestContext, socket: string, size: {width: number; height: number}, extra: string[] = []): TmuxSession {
	return startTmux(t, [process.execPath, '--import', 'tsx', '--conditions=source', join(root, 'source', 'cli.tsx'), '--attach', socket, ...extra], {
		...size,
		cwd: root,
		env: {CI: 'false', NO_COLOR: '1'},
	});
}

/** A host in this process: two instrumented plugins with a fixed number of calls, and one cache. */
async function startInProcessHost(t: TestContext, socket: string) {
	const monitor = new PerformanceMonitor({name: 'shop', socket, samplers: false, alerts: false});
	const checkout = {
		pay(amount: number): number {
			let total = 0;
			for (let i = 0; i < 2000; i++) total += (amount * i) % 7;
			return total;
		},
	};
	const inventory = {
		reserve(): never {
			throw new Error('out of stock');
		},
	};
	monitor.instrument('checkout', checkout);
	monitor.instrument('inventory', inventory);
	for (let i = 0; i < 250; i++) checkout.pay(i);
	for (let i = 0; i < 4; i++) {
		try {
			inventory.reserve();
		} catch {
			// counted as an error
		}
	}
	const users = monitor.createCache<string, string>('users', {max: 100});
	for (let i = 0; i < 20; i++) users.set(`user-${i}`, `name-${i}`);
	for (let i = 0; i < 30; i++) users.get(`user-${i}`);
	await monitor.start({strict: true});
	t.after(() => monitor.stop());
	return {monitor, users};
}

/**
 * The exit status of the pane's command, or null while it runs. tmux sometimes marks the pane dead without
 * reaping the process (it stays a zombie and tmux shows no status), so the status is also read from the
 * zombie's /proc/<pid>/stat (exit_code, as waitpid reports it).
 */
function exitCode(tui: TmuxSession): number | null {
	const status = tui.exitStatus();
	if (status !== null || !tui.dead()) return status;
	const pid = execFileSync('tmux', ['-L', tui.server, 'display-message', '-p', '#{pane_pid}'], {encoding: 'utf8'}).trim();
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (fields[0] !== 'Z') return null;
		const waitStatus = Number(fields.at(-1));
		return (waitStatus & 0x7f) === 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f);
	} catch {
		return null;
	}
}

const row = (frame: string, name: string) => frame.split('\n').find(line => new RegExp(`^[> ] ${name} `).test(line)) ?? '';

describe('perftop --attach in a real terminal', {skip: hasTmux() ? false : 'tmux is not installed'}, () => {
	test('shows plugins and caches, clears caches, resets metrics, exports, redraws on resize, exits on SIGHUP', async t => {
		const dir = tempDir(t);
		const socket = join(dir, 'h.sock');
		const {monitor, users} = await startInProcessHost(t, socket);
		const tui = startTui(t, socket, {width: 80, height: 24}, ['--export-dir', dir]);

		let frame = await tui.waitFor(f => f.includes('connected shop') && f.includes('checkout') && f.includes('users'), 'the first snapshot', 30_000);
		assert.match(row(frame, 'checkout'), /\s250\s/, frame);
		assert.match(row(frame, 'inventory'), /\s4\s+100%/, frame);
		assert.match(frame, /users\s+20\/100\s+67%\s+20\s+10/);
		assert.ok(frame.split('\n').filter(line => line !== '').length <= 23);

		tui.send('c');
		await tui.waitFor(f => f.includes('Clear all caches? y/a: yes'), 'the clear question');
		assert.equal(users.size, 20, 'nothing is cleared before the answer');
		tui.send('y');
		await tui.waitFor(f => f.includes('cleared 1 cache: 20 entries removed'), 'the clear result');
		assert.equal(users.size, 0);

		tui.send('r');
		await tui.waitFor(f => f.includes("Reset all of the host's metrics?"), 'the reset question');
		tui.send('y');
		await tui.waitFor(f => f.includes('metrics reset on the host'), 'the reset result');
		assert.equal(monitor.getPerformanceSummary().plugins.find(p => p.name === 'checkout')?.calls.count, 0);
		frame = await tui.waitFor(f => /\s0\s/.test(row(f, 'checkout')), 'zero calls after the reset');

		tui.send('e');
		frame = await tui.waitFor(f => /exported to \S+\.json/.test(f), 'the export path');
		const path = /exported to (\S+\.json)/.exec(frame)![1]!;
		assert.ok(path.startsWith(dir), path);
		const data = JSON.parse(readFileSync(path, 'utf8')) as {format: string; snapshot: {host: {name: string}; plugins: Array<{name: string}>}};
		assert.equal(data.format, 'perftop-export');
		assert.equal(data.snapshot.host.name, 'shop');
		assert.deepEqual(data.snapshot.plugins.map(p => p.name).sort(), ['checkout', 'inventory']);

		assert.doesNotMatch(frame, /IInvert/);
		tui.resize(120, 40);
		frame = await tui.waitFor(f => f.includes('IInvert') && f.includes('checkout'), 'the wider key bar after resize');
		assert.ok(frame.split('\n').some(line => line.length > 100));
		tui.resize(70, 20);
		await tui.waitFor(f => f.includes('Terminal too small: 70x20') && f.includes('at least 80x24'), 'the size message');
		tui.resize(80, 24);
		await tui.waitFor(f => f.includes('checkout') && !f.includes('too small'), 'the view back at 80x24');

		const pid = tui.panePid();
		assert.ok(pid);
		process.kill(pid, 'SIGHUP');
		await tui.waitFor(() => exitCode(tui) !== null, 'exit after SIGHUP', 10_000);
		assert.equal(exitCode(tui), 129);
		// The alternate screen is left: the shell's screen is back, no table on it.
		assert.doesNotMatch(tui.capture(), /PLUGIN/);
	});

	test('shows the retry countdown while the host is down and resumes when it is back', async t => {
		const dir = tempDir(t);
		const socket = join(dir, 'h.sock');
		const first = await startHost(t, ['--socket', socket]);
		const tui = startTui(t, socket, {width: 100, height: 30});
		await tui.waitFor(f => f.includes(`basic-host pid ${first.pid}`) && f.includes('flaky'), 'the first host', 30_000);

		first.child.kill('SIGKILL');
		await first.exited;
		const down = await tui.waitFor(f => /disconnected, retrying in \d+s/.test(f), 'the retry message');
		assert.match(down, /flaky/, 'the last data stays on screen');

		const second = await startHost(t, ['--socket', socket]);
		await tui.waitFor(f => f.includes(`connected basic-host pid ${second.pid}`), 'the restarted host', 30_000);

		tui.send('q');
		await tui.waitFor(() => exitCode(tui) !== null, 'exit on q', 10_000);
		assert.equal(exitCode(tui), 0);
	});
});
