/**
 * No process outlives the command that started it. Each way of starting the demo (`npm run demo -- --headless`,
 * `node dist/cli.js demo --headless`, `npm run demo` with the live view in a real terminal) is ended each way
 * a user, a script or a supervisor ends it (SIGTERM, SIGINT or SIGHUP to the outermost process, SIGKILL to the
 * outermost, SIGKILL to the middle, closing the terminal). Within 5 s no process of the tree it started
 * remains and no socket file is left, except after a SIGKILL of the host itself: then `perftop list --clean`
 * removes the stale socket, and the next host on that path replaces it.
 *
 * Processes are found by their own pids and process groups, read from /proc while the tree is alive, never by
 * name; a pid counts as the same process only with the same start time. Zombies count as gone: they hold no
 * resources, and whoever adopted them reaps them.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test, type TestContext} from 'node:test';
import {pathToFileURL} from 'node:url';
import {probeHost} from '../../source/tui/client/probe.js';
import {hasTmux, startTmux} from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
/** The bound the issue sets: this long after the ending, nothing of the tree is left. */
const GONE_WITHIN_MS = 5000;
/** The host's own load during a cell, requests/s: low, but the load generator runs and has to stop too. */
const RATE = '5';
/** Starting a cell: npm, the build check, the host (which seeds its database on the first run ever). */
const READY_TIMEOUT_MS = 120_000;
/** Cells run this many at a time (each is a few processes, mostly idle once started). */
const CONCURRENCY = 4;
const onLinux = process.platform === 'linux';
/** A probe's wait for the greeting; generous, as a busy machine may stall the test process for a while. */
const PROBE_TIMEOUT_MS = 15_000;

/** One process as /proc shows it. */
interface Proc {
	pid: number;
	ppid: number;
	pgid: number;
	/** R, S, D, Z (zombie), X (dead), ... */
	state: string;
	/** Start time in clock ticks since boot: a reused pid has another. */
	start: string;
	/** Its command line, as recorded while it ran. */
	command?: string;
}

function readProc(pid: number, path = `/proc/${pid}/stat`): Proc | null {
	try {
		const stat = readFileSync(path, 'utf8');
		// The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19]!};
	} catch {
		return null;
	}
}

function processes(): Proc[] {
	return readdirSync('/proc')
		.filter(name => /^\d+$/.test(name))
		.flatMap(name => readProc(Number(name)) ?? []);
}

/**
 * Whether a process still runs. A multi-threaded process (every node process) shows Z for its main thread as
 * soon as that thread has exited, while its other threads may still be ending and still hold its files (a
 * listening socket): it is gone only when every thread is.
 */
function running(proc: Proc | null): proc is Proc {
	if (proc === null) return false;
	if (proc.state !== 'Z' && proc.state !== 'X') return true;
	try {
		return readdirSync(`/proc/${proc.pid}/task`).some(tid => {
			const task = readProc(proc.pid, `/proc/${proc.pid}/task/${tid}/stat`);
			return task !== null && task.state !== 'Z' && task.state !== 'X';
		});
	} catch {
		return false;
	}
}

/** `pid` and every running process below it, by parent pid. */
function treeOf(pid: number): Proc[] {
	const all = processes().filter(running);
	const tree = all.filter(proc => proc.pid === pid);
	for (let index = 0; index < tree.length; index++) tree.push(...all.filter(proc => proc.ppid === tree[index]!.pid));
	return tree.map(proc => ({...proc, command: commandOf(proc.pid)}));
}

/**
 * What is left of a recorded tree: its processes (same pid and start time) and anything running in its
 * process groups. The groups need a scan of all of /proc, done only once the recorded processes are gone.
 */
function survivors(tree: readonly Proc[]): Proc[] {
	const recorded = tree.map(proc => readProc(proc.pid)).filter((proc, index) => running(proc) && proc.start === tree[index]!.start) as Proc[];
	if (recorded.length > 0) return recorded;
	const ownGroup = readProc(process.pid)?.pgid;
	const groups = new Set(tree.map(proc => proc.pgid).filter(group => group !== ownGroup));
	return processes().filter(proc => running(proc) && groups.has(proc.pgid));
}

function commandOf(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
	} catch {
		return '?';
	}
}

function describeProc(proc: Proc): string {
	return `pid ${proc.pid} (ppid ${proc.ppid}, pgid ${proc.pgid}, ${proc.state}): ${proc.command ?? commandOf(proc.pid)}`;
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() >= deadline) return false;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	return true;
}

/** A started demo and the tree it made, recorded while alive. */
interface Started {
	/** The outermost process: npm, or the CLI itself. */
	outer: number;
	/** The CLI running `demo` (under npm it is the middle process). */
	demo: number;
	/** The example host the demo started. */
	host: number;
	tree: Proc[];
	/** Closes the terminal (the live-view starter only). */
	closeTerminal?: () => void;
	/** What the starter printed, for failure messages. */
	output(): string;
}

type StarterName = 'npm run demo -- --headless' | 'node dist/cli.js demo --headless' | 'npm run demo (live view in tmux)';
type EndingName =
	| 'SIGTERM to the outermost'
	| 'SIGINT to the outermost'
	| 'SIGHUP to the outermost'
	| 'SIGKILL to the outermost'
	| 'SIGKILL to the middle (the demo)'
	| 'SIGKILL to the host'
	| 'tmux kill-session';

const ENDINGS: Record<EndingName, (started: Started) => void> = {
	'SIGTERM to the outermost': ({outer}) => process.kill(outer, 'SIGTERM'),
	'SIGINT to the outermost': ({outer}) => process.kill(outer, 'SIGINT'),
	'SIGHUP to the outermost': ({outer}) => process.kill(outer, 'SIGHUP'),
	'SIGKILL to the outermost': ({outer}) => process.kill(outer, 'SIGKILL'),
	'SIGKILL to the middle (the demo)': ({demo}) => process.kill(demo, 'SIGKILL'),
	'SIGKILL to the host': ({host}) => process.kill(host, 'SIGKILL'),
	'tmux kill-session': ({closeTerminal}) => closeTerminal!(),
};

const SIGNALS_AND_KILLS: EndingName[] = ['SIGTERM to the outermost', 'SIGINT to the outermost', 'SIGHUP to the outermost', 'SIGKILL to the outermost'];
const MATRIX: Array<{starter: StarterName; endings: EndingName[]}> = [
	{starter: 'npm run demo -- --headless', endings: [...SIGNALS_AND_KILLS, 'SIGKILL to the middle (the demo)', 'SIGKILL to the host']},
	// Two processes: the CLI is the outermost and there is no middle one.
	{starter: 'node dist/cli.js demo --headless', endings: [...SIGNALS_AND_KILLS, 'SIGKILL to the host']},
	{starter: 'npm run demo (live view in tmux)', endings: [...SIGNALS_AND_KILLS, 'SIGKILL to the middle (the demo)', 'tmux kill-session']},
];

/** Kills by pid (checked against the recorded start time) whatever a failed cell left, so it cannot skew the rest. */
function killLeftovers(tree: readonly Proc[]): void {
	for (const proc of survivors(tree)) {
		try {
			process.kill(proc.pid, 'SIGKILL');
		} catch {
			// Gone meanwhile.
		}
	}
}

/** Records the tree under `outer` once the host runs; whatever of it a failing cell leaves is killed after it. */
function record(t: TestContext, outer: number, host: number, output: () => string, closeTerminal?: () => void): Started {
	const tree = treeOf(outer);
	t.after(() => killLeftovers(tree));
	const hostProc = tree.find(proc => proc.pid === host);
	assert.ok(hostProc, `the host (pid ${host}) runs below the outermost process (pid ${outer}); tree:\n${tree.map(describeProc).join('\n')}\n${output()}`);
	return {outer, demo: hostProc.ppid, host, tree, closeTerminal, output};
}

async function startHeadless(t: TestContext, command: string[], socket: string): Promise<Started> {
	// Its own process group and session, like a script's background job: nothing reaches it but what the cell sends.
	const child: ChildProcess = spawn(command[0]!, command.slice(1), {cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, npm_config_update_notifier: 'false'}});
	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	t.after(() => {
		child.stdout!.destroy();
		child.stderr!.destroy();
	});
	let exited = false;
	child.once('exit', () => (exited = true));
	const ready = await until(() => exited || output.includes(`socket: ${socket}`), READY_TIMEOUT_MS);
	assert.ok(ready && !exited, `the demo serves ${socket}; it printed:\n${output}`);
	const host = Number(/\(pid (\d+)\)/.exec(output)?.[1]);
	return record(t, child.pid!, host, () => output);
}

async function startLiveView(t: TestContext, socket: string): Promise<Started> {
	const session = startTmux(t, ['npm', 'run', 'demo', '--', '--socket', socket, '--rate', RATE], {width: 120, height: 40, cwd: root, env: {CI: 'false', NO_COLOR: '1', npm_config_update_notifier: 'false'}});
	const frame = await session.waitFor(text => /orders-service pid \d+/.test(text), 'the live view showing the demo host', READY_TIMEOUT_MS);
	const host = Number(/orders-service pid (\d+)/.exec(frame)![1]);
	const outer = session.panePid();
	assert.ok(outer !== null, 'npm runs in the pane');
	const screen = (): string => {
		try {
			return session.capture();
		} catch {
			return '(the terminal is closed)';
		}
	};
	return record(t, outer, host, screen, () => execFileSync('tmux', ['-L', session.server, 'kill-session'], {stdio: 'ignore'}));
}

/** One line per cell, printed when the matrix is done. */
const results: string[] = [];

describe('no process outlives the command that started it', {skip: onLinux ? false : 'reads /proc', concurrency: CONCURRENCY}, () => {
	before(() => {
		// One build for every cell; each `npm run demo` then finds dist/ fresh and goes straight on.
		execFileSync(process.execPath, [join(root, 'scripts', 'ensure.mjs'), '--build'], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']});
	});

	for (const {starter, endings} of MATRIX) {
		const tui = starter === 'npm run demo (live view in tmux)';
		for (const ending of endings) {
			test(`${starter} / ${ending}`, {skip: tui && !hasTmux() ? 'tmux is not installed' : false}, async t => {
				const dir = mkdtempSync(join(tmpdir(), 'pt-orph-'));
				t.after(() => rmSync(dir, {recursive: true, force: true}));
				const socket = join(dir, 'demo.sock');
				const started = tui
					? await startLiveView(t, socket)
					: await startHeadless(t, starter.startsWith('npm') ? ['npm', 'run', 'demo', '--', '--headless', '--socket', socket, '--rate', RATE] : [process.execPath, cli, 'demo', '--headless', '--socket', socket, '--rate', RATE], socket);
				assert.ok(existsSync(socket), 'the host serves its socket');
				const hostKilled = ending === 'SIGKILL to the host';

				const endedAt = performance.now();
				ENDINGS[ending](started);
				const gone = await until(() => survivors(started.tree).length === 0 && (hostKilled || !existsSync(socket)), GONE_WITHIN_MS);
				const tookMs = Math.round(performance.now() - endedAt);
				const left = survivors(started.tree);
				t.diagnostic(`${gone ? 'all gone' : 'NOT all gone'} after ${tookMs} ms`);
				results.push(`${starter} / ${ending}: ${gone ? `pass, all gone after ${tookMs} ms` : `FAIL, ${left.length} processes left, socket ${existsSync(socket) ? 'left' : 'gone'}`} (tree of ${started.tree.length})`);
				assert.deepEqual(left.map(describeProc), [], `within ${GONE_WITHIN_MS} ms no process of the tree remains; tree was:\n${started.tree.map(describeProc).join('\n')}\n${started.output()}`);
				// npm's forwarded signals reach the demo itself: no shell runs between them.
				const demoParent = started.tree.find(proc => proc.pid === started.demo)?.ppid;
				assert.ok(started.demo === started.outer || demoParent === started.outer, `the demo runs right under npm; tree was:\n${started.tree.map(describeProc).join('\n')}`);
				if (!hostKilled) {
					assert.equal(existsSync(socket), false, 'the socket file is gone');
					return;
				}
				// Nothing could run in the killed host: its socket stays, stale.
				assert.ok(existsSync(socket), 'a host killed with SIGKILL leaves its socket');
				const probe = await probeHost(socket, PROBE_TIMEOUT_MS);
				assert.equal(probe.state, 'stale', `nothing listens on the socket: ${probe.state === 'live' ? 'live' : probe.reason}`);
				if (starter === 'node dist/cli.js demo --headless') {
					// The next host on that path replaces the stale socket, and goes as cleanly.
					const next = await startHeadless(t, [process.execPath, cli, 'demo', '--headless', '--socket', socket, '--rate', RATE], socket);
					assert.equal((await probeHost(socket, PROBE_TIMEOUT_MS)).state, 'live', 'the new host serves the path');
					process.kill(next.outer, 'SIGTERM');
					assert.ok(await until(() => survivors(next.tree).length === 0 && !existsSync(socket), GONE_WITHIN_MS), 'the replacing demo stops cleanly too');
				} else {
					const list = execFileSync(process.execPath, [cli, 'list', '--clean', '--dir', dir], {encoding: 'utf8'});
					assert.match(list, /removed 1 stale socket\b/);
					assert.equal(existsSync(socket), false, 'perftop list --clean removed the stale socket');
				}
			});
		}
	}

	after(() => {
		// The matrix with each cell's result, for the record (the assertions above are what pass or fail).
		process.stdout.write(`# orphan matrix (${results.length} cells)\n${[...results].sort().map(line => `#   ${line}\n`).join('')}`);
	});
});

/** A host library process: a monitor with a socket and a perf log, 1000 recorded calls; `reload` adds a SIGHUP handler of its own. */
const LIBRARY_HOST = `
import {PerformanceMonitor} from ${JSON.stringify(pathToFileURL(join(root, 'source', 'index.ts')).href)};
const [socket, dir, mode] = process.argv.slice(1);
const monitor = new PerformanceMonitor({name: 'hup-host', socket, log: {dir, summaryIntervalMs: 60_000, process: false}, samplers: false, alerts: false});
await monitor.start();
for (let index = 0; index < 1000; index++) monitor.record('op' + (index % 5), 1 + (index % 40), {plugin: 'p' + (index % 3)});
if (mode === 'reload') process.on('SIGHUP', () => process.stdout.write('reloaded\\n'));
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`;

function startLibraryHost(t: TestContext, dir: string, mode: 'plain' | 'reload'): {child: ChildProcess; socket: string; output: () => string; exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>} {
	const socket = join(dir, 'lib.sock');
	const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', LIBRARY_HOST, socket, dir, mode], {cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, PERFTOP_QUIET_FAULTS: '1'}});
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	t.after(() => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	});
	let output = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	return {child, socket, output: () => output, exited};
}

function summedCalls(dir: string): number {
	return readdirSync(dir)
		.filter(name => name.endsWith('.log'))
		.flatMap(name => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean))
		.map(line => JSON.parse(line) as Record<string, unknown>)
		.filter(line => line['ev'] === 'summary')
		.reduce((sum, line) => sum + Number(line['count']), 0);
}

describe('a host (the library) and SIGHUP', () => {
	test('without a SIGHUP handler of its own, the host flushes its perf log, removes its socket and exits 129', async t => {
		const dir = mkdtempSync(join(tmpdir(), 'pt-hup-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		const host = startLibraryHost(t, dir, 'plain');
		assert.ok(await until(() => host.output().includes('ready'), 30_000), 'the host started');
		assert.ok(existsSync(host.socket));
		host.child.kill('SIGHUP');
		const exit = await host.exited;
		assert.equal(exit.code, 129, 'exits as a hang-up would have without perftop');
		assert.equal(existsSync(host.socket), false, 'the socket file is gone');
		assert.equal(summedCalls(dir), 1000, 'every recorded call reached the log');
	});

	test('with its own SIGHUP handler (a reload), the host keeps serving; its exit afterwards still cleans up', async t => {
		const dir = mkdtempSync(join(tmpdir(), 'pt-hup-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		const host = startLibraryHost(t, dir, 'reload');
		assert.ok(await until(() => host.output().includes('ready'), 30_000), 'the host started');
		host.child.kill('SIGHUP');
		assert.ok(await until(() => host.output().includes('reloaded'), 10_000), 'the host handled SIGHUP');
		assert.equal((await probeHost(host.socket)).state, 'live', 'perftop left the socket serving');
		host.child.kill('SIGTERM');
		const exit = await host.exited;
		assert.equal(exit.code, 143);
		assert.equal(existsSync(host.socket), false, 'the socket file is gone');
		assert.equal(summedCalls(dir), 1000, 'every recorded call reached the log');
	});
});
