/**
 * The live view in a real terminal (tmux) for what a newcomer tripped over (issue 15): a host whose event loop
 * is blocked, the space of a 200x60 terminal, which table has the focus, a cache's detail view, and `CI` in
 * the environment of a terminal.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {describe, test, type TestContext} from 'node:test';
import {runList} from '../../source/commands/list.js';
import {capture} from '../commands/capture.js';
import {startHost, tempDir} from '../helpers/host-process.js';
import {hasTmux, startTmux, type TmuxSession} from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');

function startTui(t: TestContext, socket: string, size: {width: number; height: number}, env: Record<string, string>, extra: string[] = []): TmuxSession {
	return startTmux(t, [process.execPath, '--import', 'tsx', '--conditions=source', join(root, 'source', 'cli.tsx'), '--attach', socket, ...extra], {...size, cwd: root, env});
}

/** The screen with its SGR escapes (colours, inverse) kept. */
function captureStyled(tui: TmuxSession): string {
	return execFileSync('tmux', ['-L', tui.server, 'capture-pane', '-p', '-e'], {encoding: 'utf8'});
}

const ESC = String.fromCharCode(27);

/** Whether styled screen text sets a foreground or background colour (SGR 30-37, 40-47, 90-97). */
function hasColour(styled: string): boolean {
	return styled
		.split(ESC)
		.slice(1)
		.some(part => /^\[(?:\d+;)*(?:3[0-7]|4[0-7]|9[0-7])(?:;\d+)*m/.test(part));
}

/** The longest run of blank lines in a frame. */
function longestBlankRun(frame: string): number {
	let longest = 0;
	let run = 0;
	for (const line of frame.split('\n')) {
		run = line.trim() === '' ? run + 1 : 0;
		longest = Math.max(longest, run);
	}
	return longest;
}

/** Starts the wedge host with its socket at the default path under `dir` (so the name carries its pid). */
async function startWedgeHost(t: TestContext) {
	const runtime = tempDir(t);
	const host = await startHost(t, [], 'wedge-host.ts', {XDG_RUNTIME_DIR: runtime});
	const blocked = new Promise<void>(resolve => {
		host.child.stdout!.on('data', (chunk: Buffer) => {
			if (chunk.toString().includes('BLOCKING')) resolve();
		});
	});
	return {host, socketDir: join(runtime, 'perftop'), blocked};
}

describe('the live view in a real terminal (issue 15)', {skip: hasTmux() ? false : 'tmux is not installed'}, () => {
	test('200x60: operations, MAX/MEAN, the hooks panel and no long blank run; Tab moves the only ">"; Enter on a cache opens it', async t => {
		const {host} = await startWedgeHost(t);
		const tui = startTui(t, host.socket, {width: 200, height: 60}, {CI: 'false', NO_COLOR: '1'}, ['--interval', '500']);
		let frame = await tui.waitFor(f => f.includes('connected wedge-host') && f.includes('checkout') && f.includes('HOOK of inventory'), 'the first snapshot', 30_000);
		assert.match(frame, /OPERATION\s+CALLS\s+RATE\s+P50\s+P95\s+P99\s+MAX\s+ERRS/);
		assert.match(frame, /^ {2}checkout\s+\d+/m, 'the readme-style operation without a plugin has a row');
		assert.match(frame, /PLUGIN\s+ST\s+LOAD\s+LMEM\s+CALLS\s+RATE\s+P50\s+P95\s+P99\s+MAX\s+MEAN\s+ERRS/);
		assert.match(frame, /^ {2}reserve\s+\d+/m, "the selected plugin's hooks are listed");
		assert.ok(longestBlankRun(frame) <= 6, `no long run of blank rows:\n${frame}`);
		assert.ok(frame.trimEnd().split('\n').length <= 59, 'at most height - 1 rows');
		assert.match(frame, /^> inventory/m);
		assert.doesNotMatch(frame, /^> orders/m);

		tui.send('Tab');
		frame = await tui.waitFor(f => /^> orders/m.test(f), 'the focus on the caches');
		assert.doesNotMatch(frame, /^> inventory/m, 'only the focused table shows ">"');
		assert.match(frame, /^ {2}inventory/m);

		tui.send('Enter');
		frame = await tui.waitFor(f => f.includes('Cache orders') && f.includes('hit ratio'), 'the cache detail view');
		assert.match(frame, /TTL 1\.0m/);
		assert.match(frame, /limit: max 500 entries/);
		tui.send('Escape');
		await tui.waitFor(f => f.includes('HOOK of inventory'), 'back to the list');
		tui.send('q');
	});

	test('a host that blocks its event loop: the status line says so with its CPU and RSS; perftop list shows both', async t => {
		const {host, socketDir, blocked} = await startWedgeHost(t);
		const tui = startTui(t, host.socket, {width: 80, height: 24}, {CI: 'false', NO_COLOR: '1'});
		await tui.waitFor(f => f.includes('connected wedge-host') && f.includes('inventory'), 'the first snapshot', 30_000);

		const listed = capture();
		assert.equal(await runList({dir: socketDir, ...listed}), 0);
		assert.match(listed.printed(), /^NAME\s+PID\s+UPTIME\s+CPU\s+RSS\s+SOCKET$/m);
		assert.match(listed.printed(), new RegExp(`^wedge-host\\s+${host.pid}\\s+\\d+s\\s+[\\d.]+%\\s+[\\d.]+ MB\\s`, 'm'));

		host.child.stdin!.write('block 20000\n');
		await blocked;
		const frame = await tui.waitFor(f => /host not responding for \d+ s: CPU \d+ %, RSS [\d.]+ [KMG]?B/.test(f), 'the not-responding line', 15_000);
		const cpu = Number(/CPU (\d+) %/.exec(frame)![1]);
		// How much of a core the loop gets depends on what else the machine runs: only a clearly busy process passes.
		assert.ok(cpu >= 5, `a busy loop shows as busy (CPU ${cpu} %):\n${frame}`);
		assert.match(frame, /inventory/, 'the last data stays under the message');

		const wedged = capture();
		assert.equal(await runList({dir: socketDir, ...wedged}), 0);
		const row = wedged.printed().split('\n').find(line => line.includes('not responding')) ?? '';
		assert.match(row, new RegExp(`^wedge-host \\(not responding\\)\\s+${host.pid}\\s+-\\s+[\\d.]+%\\s+[\\d.]+ MB\\s`), wedged.printed());
		assert.ok(Number(/([\d.]+)%/.exec(row)![1]) >= 5, row);
		tui.send('q');
	});

	test('CI=true in a terminal still draws; colour follows NO_COLOR, not CI', async t => {
		const {host} = await startWedgeHost(t);
		const coloured = startTui(t, host.socket, {width: 80, height: 24}, {CI: 'true'});
		let frame = await coloured.waitFor(f => f.includes('connected wedge-host') && f.includes('PLUGIN'), 'a frame with CI=true', 30_000);
		assert.ok(frame.trimEnd().split('\n').length <= 23, 'at most height - 1 rows');
		assert.ok(hasColour(captureStyled(coloured)), 'colours drawn with CI=true');
		coloured.send('q');

		const falseCi = startTui(t, host.socket, {width: 80, height: 24}, {CI: 'false'});
		await falseCi.waitFor(f => f.includes('connected wedge-host'), 'a frame with CI=false', 30_000);
		assert.ok(hasColour(captureStyled(falseCi)), 'colours drawn with CI=false');
		falseCi.send('q');

		const mono = startTui(t, host.socket, {width: 80, height: 24}, {CI: 'true', NO_COLOR: '1'});
		frame = await mono.waitFor(f => f.includes('connected wedge-host'), 'a frame with NO_COLOR', 30_000);
		assert.ok(!hasColour(captureStyled(mono)), 'no colour with NO_COLOR');
		mono.send('q');
	});
});
