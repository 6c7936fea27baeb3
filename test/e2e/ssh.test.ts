/**
 * Attaching over SSH against a real OpenSSH server on 127.0.0.1: the distribution's sshd, started by the test
 * with its own config, a free port, a throwaway host key and user key, as the current user. The client side
 * is the system ssh with a config of the test's own (PERFTOP_SSH_COMMAND="ssh -F <file>"), and the server
 * side runs this checkout's CLI as the bridge (PERFTOP_REMOTE_COMMAND).
 *
 * Processes are found by their own pids, their parents and their process groups, read from /proc while they
 * live, never by name; a pid counts as the same process only with the same start time.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Duplex} from 'node:stream';
import {after, before, describe, test, type TestContext} from 'node:test';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {PerftopClient, type ClientStatus} from '../../source/tui/client/perftop-client.js';
import {parseSshAddress, sshTransport, type SshCommandOptions} from '../../source/tui/client/ssh-transport.js';
import type {Transport} from '../../source/tui/client/transport.js';
import type {Snapshot} from '../../source/protocol/snapshot.js';
import {startHost, type HostProcess} from '../helpers/host-process.js';

const root = join(import.meta.dirname, '..', '..');
const SSHD = '/usr/sbin/sshd';
/** The bound for "nothing is left": this long after a kill, every recorded process is gone. */
const GONE_WITHIN_MS = 5000;
/** A connection is an ssh handshake plus a node start on the server; generous for a loaded machine. */
const CONNECT_TIMEOUT_MS = 60_000;

function hasCommand(name: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/** sshd refuses to start without its privilege separation directory; the package's service creates it, or root can. */
const PRIVSEP_DIR = '/run/sshd';

const skip =
	process.platform !== 'linux'
		? 'reads /proc'
		: !existsSync(SSHD)
			? `no OpenSSH server at ${SSHD} (package openssh-server; .ci/run installs it)`
			: !hasCommand('ssh') || !hasCommand('ssh-keygen')
				? 'no ssh client (package openssh-client)'
				: !existsSync(PRIVSEP_DIR) && process.getuid?.() !== 0
					? `${PRIVSEP_DIR} is missing and only root may create it (start the ssh service once, or run as root)`
					: false;

/** One process as /proc shows it. */
interface Proc {
	pid: number;
	ppid: number;
	pgid: number;
	state: string;
	start: string;
}

function readProc(pid: number): Proc | null {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19]!};
	} catch {
		return null;
	}
}

function allProcs(): Proc[] {
	return readdirSync('/proc')
		.filter(name => /^\d+$/.test(name))
		.flatMap(name => readProc(Number(name)) ?? [])
		.filter(proc => proc.state !== 'Z' && proc.state !== 'X');
}

/** Every running process below `pid` (not `pid` itself), by parent pid. */
function descendants(pid: number): Proc[] {
	const all = allProcs();
	const found: Proc[] = [];
	const parents = [pid];
	while (parents.length > 0) {
		const parent = parents.pop()!;
		for (const proc of all) {
			if (proc.ppid !== parent) continue;
			found.push(proc);
			parents.push(proc.pid);
		}
	}
	return found;
}

/** The recorded processes that still run (same pid and start time), and anything running in a recorded group. */
function survivors(recorded: readonly Proc[], groups: readonly number[] = []): string[] {
	const left = recorded.filter(proc => {
		const now = readProc(proc.pid);
		return now !== null && now.state !== 'Z' && now.state !== 'X' && now.start === proc.start;
	});
	const inGroups = groups.length === 0 ? [] : allProcs().filter(proc => groups.includes(proc.pgid) && !left.some(other => other.pid === proc.pid));
	return [...left, ...inGroups].map(proc => `pid ${proc.pid} (ppid ${proc.ppid}, pgid ${proc.pgid}): ${commandOf(proc.pid)}`);
}

function commandOf(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160);
	} catch {
		return '?';
	}
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() >= deadline) return false;
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	return true;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

/** The test's own sshd and the ssh client settings that reach it. */
interface Sshd {
	pid: number;
	port: number;
	dir: string;
	/** ssh:// address of `socket` on this server, as the current user. */
	address(socket: string): string;
	/** What the CLI reads from its environment. */
	env: Record<string, string>;
	/** The same settings for an in-process transport. */
	options: SshCommandOptions;
	log(): string;
}

let sshd: Sshd | null = null;
let sshdChild: ChildProcess | null = null;

/** Stops the test's sshd (its process group: the listener and any session it forked). */
function stopSshd(): void {
	const pid = sshdChild?.pid;
	if (pid === undefined || sshdChild!.exitCode !== null || sshdChild!.signalCode !== null) return;
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// Gone already.
	}
}

async function startSshd(): Promise<Sshd> {
	const dir = mkdtempSync(join(tmpdir(), 'pt-ssh-'));
	if (!existsSync(PRIVSEP_DIR)) mkdirSync(PRIVSEP_DIR, {mode: 0o755});
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user_key')]);
	writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')));
	const port = await freePort();
	const user = execFileSync('id', ['-un'], {encoding: 'utf8'}).trim();
	writeFileSync(
		join(dir, 'sshd_config'),
		[
			`Port ${port}`,
			'ListenAddress 127.0.0.1',
			`HostKey ${join(dir, 'host_key')}`,
			`AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
			// The test runs as root in CI containers; keys only, never a password.
			'PermitRootLogin prohibit-password',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'UsePAM no',
			// The temporary directory is not owned the way StrictModes wants.
			'StrictModes no',
			'PidFile none',
			'LogLevel VERBOSE',
			'',
		].join('\n'),
	);
	writeFileSync(
		join(dir, 'ssh_config'),
		[
			'Host *',
			`  IdentityFile ${join(dir, 'user_key')}`,
			'  IdentitiesOnly yes',
			'  UserKnownHostsFile /dev/null',
			'  StrictHostKeyChecking no',
			'  BatchMode yes',
			'  LogLevel ERROR',
			'',
		].join('\n'),
	);
	// Its own process group, so that it and every session it forks can be stopped together.
	const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe'], detached: true});
	sshdChild = child;
	let log = '';
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
	const ready = await until(() => log.includes('Server listening') || child.exitCode !== null, 15_000);
	assert.ok(ready && child.exitCode === null, `sshd started on 127.0.0.1:${port}; it said:\n${log}`);
	const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
	const options: SshCommandOptions = {
		sshCommand: `ssh -F ${join(dir, 'ssh_config')}`,
		remoteCommand: `${process.execPath} --import ${loader} --conditions=source ${join(root, 'source', 'cli.tsx')}`,
	};
	return {
		pid: child.pid!,
		port,
		dir,
		address: socket => `ssh://${user}@127.0.0.1:${port}${socket}`,
		env: {PERFTOP_SSH_COMMAND: options.sshCommand!, PERFTOP_REMOTE_COMMAND: options.remoteCommand!},
		options,
		log: () => log,
	};
}

/** Runs the CLI (from source) with the test's ssh settings; resolves with its exit code and output. */
function perftop(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'source', 'cli.tsx'), ...args], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: {...process.env, ...sshd!.env},
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.once('close', code => resolve({code, stdout, stderr}));
	});
}

/** A host from the e2e fixture on `socket`, 20 calls per operation. */
function host(t: TestContext, socket: string): Promise<HostProcess> {
	return startHost(t, ['--socket', socket, '--name', 'ssh-host', '--calls', '20']);
}

/** An ssh transport that remembers every connection it opened, to find each one's ssh child by pid. */
function recordingTransport(address: string): {transport: Transport; opened: Duplex[]} {
	const inner = sshTransport(parseSshAddress(address), address, sshd!.options);
	const opened: Duplex[] = [];
	return {
		opened,
		transport: {
			label: inner.label,
			open: () => {
				const connection = inner.open();
				opened.push(connection);
				return connection;
			},
		},
	};
}

function liveClient(t: TestContext, address: string): {client: PerftopClient; opened: Duplex[]; statuses: ClientStatus[]; snapshots: Snapshot[]} {
	const {transport, opened} = recordingTransport(address);
	const client = new PerftopClient({path: address, transport, intervalMs: 200, commandTimeoutMs: CONNECT_TIMEOUT_MS, backoffMs: {initial: 100, max: 1000}});
	t.after(() => client.close());
	const statuses: ClientStatus[] = [];
	const snapshots: Snapshot[] = [];
	client.onStatus(status => statuses.push(status));
	client.onSnapshot(snapshot => snapshots.push(snapshot));
	client.connect();
	return {client, opened, statuses, snapshots};
}

/** The pid of a connection's ssh child. */
function sshPid(connection: Duplex | undefined): number {
	const pid = (connection as {pid?: number} | undefined)?.pid;
	assert.ok(pid !== undefined, 'the connection runs an ssh child');
	return pid;
}

/** The connection's processes: its ssh child (and anything in its group) and, on the server, its session's processes. */
function sessionProcs(pid: number): Proc[] {
	const ssh = readProc(pid);
	assert.ok(ssh, `ssh (pid ${pid}) runs`);
	return [ssh, ...allProcs().filter(proc => proc.pgid === pid && proc.pid !== pid), ...descendants(sshd!.pid)];
}

function socketIn(t: TestContext): string {
	const dir = mkdtempSync(join(tmpdir(), 'pt-sh-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	return join(dir, 'h.sock');
}

describe('attach over ssh (a real sshd on 127.0.0.1)', {skip, concurrency: 1}, () => {
	before(async () => {
		// Should the run end without after() (a crash), the sshd still goes with this process.
		process.once('exit', stopSshd);
		sshd = await startSshd();
	});

	after(() => {
		stopSshd();
		process.off('exit', stopSshd);
		if (sshd) rmSync(sshd.dir, {recursive: true, force: true});
	});

	test('perftop --once --attach ssh://... prints the host table; a missing socket on the server is named', async t => {
		const socket = socketIn(t);
		const running = await host(t, socket);
		const address = sshd!.address(socket);
		const once = await perftop(['--once', '--attach', address]);
		assert.equal(once.code, 0, `exit 0; stderr: ${once.stderr}\nsshd: ${sshd!.log()}`);
		assert.match(once.stdout, new RegExp(`^ssh-host pid ${running.pid} `), 'the host line names the host and its pid');
		assert.match(once.stdout, /^db \[loaded\]\s+40\b/m, 'the db plugin row with its 40 calls');
		assert.match(once.stdout, /^ {2}query\s+20\b/m, 'its hooks below it');

		const json = await perftop(['--once', '--json', '--attach', address]);
		assert.equal(json.code, 0, json.stderr);
		assert.equal((JSON.parse(json.stdout) as Snapshot).host.pid, running.pid);

		const exported = await perftop(['export', '--format', 'prometheus', '--attach', address]);
		assert.equal(exported.code, 0, exported.stderr);
		assert.match(exported.stdout, /^perftop_hook_duration_seconds_count\{plugin="db",hook="query"\} 20$/m);

		const missing = await perftop(['--once', '--attach', `${address}.gone`]);
		assert.equal(missing.code, 1);
		assert.match(missing.stderr, /no host at ssh:\/\/\S+\.gone \(no such socket\)/);
	});

	test('an address that ssh could read as an option is refused before anything runs', async () => {
		const result = await perftop(['--once', '--attach', 'ssh://-oProxyCommand=touch${IFS}x/tmp/h.sock']);
		assert.equal(result.code, 2);
		assert.match(result.stderr, /may not start with -/);
	});

	test('the live client reconnects when the host restarts, and leaves no process behind when closed', async t => {
		const socket = socketIn(t);
		const first = await host(t, socket);
		const {client, opened, statuses, snapshots} = liveClient(t, sshd!.address(socket));
		assert.ok(await until(() => snapshots.some(snapshot => snapshot.host.pid === first.pid), CONNECT_TIMEOUT_MS), `snapshots from the first host; statuses: ${JSON.stringify(statuses)}`);
		const firstSession = sessionProcs(sshPid(opened[0]));

		first.child.kill('SIGTERM');
		await first.exited;
		assert.ok(await until(() => client.status.state === 'disconnected', 10_000), 'the client notices the host is gone');
		// The host's end closed the bridge, and with it the ssh session, on both sides.
		assert.ok(await until(() => survivors(firstSession).length === 0, GONE_WITHIN_MS), `the first session's processes are gone: ${survivors(firstSession).join('\n')}`);

		const second = await host(t, socket);
		assert.ok(await until(() => snapshots.some(snapshot => snapshot.host.pid === second.pid), CONNECT_TIMEOUT_MS), `snapshots from the restarted host; statuses: ${JSON.stringify(statuses.slice(-5))}`);
		assert.equal(client.hello?.host.pid, second.pid);
		const secondSession = sessionProcs(sshPid(opened.at(-1)));
		client.close();
		assert.ok(await until(() => survivors(secondSession, [sshPid(opened.at(-1))]).length === 0, GONE_WITHIN_MS), `closing the client ends its ssh and the bridge: ${survivors(secondSession).join('\n')}`);
	});

	test('killing the ssh child ends the bridge on the server, and the client reconnects', async t => {
		const socket = socketIn(t);
		const running = await host(t, socket);
		const {client, opened, snapshots} = liveClient(t, sshd!.address(socket));
		assert.ok(await until(() => snapshots.length > 0, CONNECT_TIMEOUT_MS), 'connected');
		const pid = sshPid(opened[0]);
		const session = sessionProcs(pid);
		assert.ok(session.length >= 3, `ssh, the server's session and the bridge run: ${session.map(proc => proc.pid).join(', ')}`);
		process.kill(pid, 'SIGKILL');
		assert.ok(await until(() => survivors(session, [pid]).length === 0, GONE_WITHIN_MS), `nothing of the session is left: ${survivors(session, [pid]).join('\n')}`);
		const seen = snapshots.length;
		assert.ok(await until(() => opened.length >= 2 && snapshots.length > seen && client.status.state === 'connected', CONNECT_TIMEOUT_MS), 'the client reconnected over a new ssh');
		assert.equal(client.hello?.host.pid, running.pid);
	});

	test("killing the server's session process ends the bridge and the ssh child, and the client reconnects", async t => {
		const socket = socketIn(t);
		await host(t, socket);
		const {client, opened, snapshots} = liveClient(t, sshd!.address(socket));
		assert.ok(await until(() => snapshots.length > 0, CONNECT_TIMEOUT_MS), 'connected');
		const pid = sshPid(opened[0]);
		const session = sessionProcs(pid);
		// The per-connection sshd processes are the listener's children; the bridge runs below them.
		const sessionSshd = session.filter(proc => proc.ppid === sshd!.pid);
		assert.ok(sessionSshd.length > 0, "the server forked a session process");
		for (const proc of sessionSshd) process.kill(proc.pid, 'SIGKILL');
		assert.ok(await until(() => survivors(session, [pid]).length === 0, GONE_WITHIN_MS), `nothing of the session is left: ${survivors(session, [pid]).join('\n')}`);
		const seen = snapshots.length;
		assert.ok(await until(() => opened.length >= 2 && snapshots.length > seen && client.status.state === 'connected', CONNECT_TIMEOUT_MS), 'the client reconnected over a new session');
	});

	test('a client process killed outright leaves no ssh and no bridge behind', async t => {
		const socket = socketIn(t);
		await host(t, socket);
		const address = sshd!.address(socket);
		const script = `
			import {PerftopClient} from ${JSON.stringify(pathToFileURL(join(root, 'source', 'tui', 'client', 'perftop-client.ts')).href)};
			const client = new PerftopClient({path: process.argv[1], intervalMs: 200, commandTimeoutMs: ${CONNECT_TIMEOUT_MS}});
			client.onSnapshot(() => process.stdout.write('snapshot\\n'));
			client.connect();
		`;
		const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script, address], {cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, ...sshd!.env}});
		t.after(() => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		assert.ok(await until(() => output.includes('snapshot'), CONNECT_TIMEOUT_MS), 'the client process receives snapshots over ssh');
		const local = descendants(child.pid!);
		assert.ok(local.length > 0, 'it runs ssh');
		const remote = descendants(sshd!.pid);
		// The server's session processes are the listener's children; the bridge runs below them.
		assert.ok(remote.some(proc => proc.ppid !== sshd!.pid), `the bridge runs on the server: ${remote.map(proc => commandOf(proc.pid)).join('; ')}`);
		const recorded = [...local, ...remote];
		const groups = local.map(proc => proc.pgid).filter(group => group !== readProc(process.pid)?.pgid);
		child.kill('SIGKILL');
		assert.ok(await until(() => survivors(recorded, groups).length === 0, GONE_WITHIN_MS), `nothing of the client's ssh session is left on either side: ${survivors(recorded, groups).join('\n')}`);
	});
});
