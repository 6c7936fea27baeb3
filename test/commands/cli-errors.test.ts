import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {promisify} from 'node:util';
import {perftopCommand, shellWord} from '../../source/commands/invocation.js';
import {inspectSocketPath} from '../../source/commands/socket-path.js';
import {tempDir} from '../helpers/host-process.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** Runs the real CLI without a terminal; resolves with its exit code and output. */
async function perftop(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await run(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'source', 'cli.tsx'), ...args], {cwd: root, env: {...process.env, CI: 'true'}});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code: number; stdout: string; stderr: string};
		return {code: failed.code, stdout: failed.stdout, stderr: failed.stderr};
	}
}

test('an unknown flag is one line that ends with the help command, exit 2', async () => {
	const {code, stdout, stderr} = await perftop('--attach', '/tmp/x.sock', '--bogus', '--log-dri=x');
	assert.equal(code, 2);
	assert.equal(stdout, '');
	assert.equal(stderr, "perftop: unknown flags --bogus --log-dri; run 'perftop --help'\n");
});

test('--once --attach without a value is a usage error (exit 2), not a port number error', async () => {
	for (const args of [['--once', '--attach'], ['--attach', '--once'], ['--once', '-a']]) {
		const {code, stderr} = await perftop(...args);
		assert.equal(code, 2, args.join(' '));
		assert.equal(stderr, "perftop: --attach needs a value (the socket path of a host); run 'perftop --help'\n", args.join(' '));
	}
});

test('the live view on a path that does not exist says so and exits 1 instead of retrying', async t => {
	const dir = tempDir(t);
	const missing = join(dir, 'typo.sock');
	const started = Date.now();
	const {code, stderr} = await perftop('--attach', missing);
	assert.equal(code, 1);
	assert.equal(stderr, `perftop: no host at ${missing} (no such socket); 'perftop list' shows the hosts on this machine\n`);
	// It waits a moment (1 s) for a restarting host to recreate its socket; generous bound for a loaded machine.
	assert.ok(Date.now() - started < 60_000);
	const file = join(dir, 'notes.txt');
	writeFileSync(file, 'x');
	const onFile = await perftop('attach', file);
	assert.equal(onFile.code, 1);
	assert.equal(onFile.stderr, `perftop: ${file} is a regular file, not a host's socket\n`);
});

test('analyze on a missing file prints only the error, exit 2', async t => {
	const missing = join(tempDir(t), 'perf.log');
	const {code, stdout, stderr} = await perftop('analyze', missing);
	assert.equal(code, 2);
	assert.equal(stdout, '');
	assert.equal(stderr, `perftop analyze: ${missing}: no such file or directory\n`);
});

test('--help names every command and flag', async () => {
	const {code, stdout} = await perftop('--help');
	assert.equal(code, 0);
	for (const text of ['perftop attach <socket>', '--attach, -a', '--interval', '--format json|csv', '--export-dir', '--no-color', '--readonly', '--once', '--json', '--out', '--force', '--format <f>', '--dir', '--clean', '--headless', '--socket', '--rate', '--log-dir', '--example', 'perftop analyze --help']) {
		assert.ok(stdout.includes(text), `--help mentions ${text}`);
	}
});

test('hints name the command that works where perftop runs', t => {
	const bin = tempDir(t);
	writeFileSync(join(bin, 'perftop'), '#!/usr/bin/env node\n', {mode: 0o755});
	assert.equal(perftopCommand({env: {PATH: `/usr/bin:${bin}`}, argv: ['node', join(bin, 'perftop')], execArgv: [], cwd: '/'}), 'perftop', 'installed on the PATH');
	const env = {PATH: '/usr/bin'};
	assert.equal(perftopCommand({env: {...env, npm_package_name: 'perftop', npm_lifecycle_event: 'demo'}, argv: ['node', '/src/perftop/dist/cli.js'], execArgv: [], cwd: '/src/perftop'}), 'npm run perftop --');
	assert.equal(perftopCommand({env, argv: ['node', '/src/perftop/dist/cli.js'], execArgv: [], cwd: '/src/perftop'}), 'node dist/cli.js');
	assert.equal(perftopCommand({env, argv: ['node', '/src/perftop/source/cli.tsx'], execArgv: ['--import', 'tsx', '--conditions=source'], cwd: '/elsewhere'}), 'node --import tsx --conditions=source /src/perftop/source/cli.tsx');
	assert.equal(perftopCommand({env, argv: ['node', '/app/node_modules/.bin/perftop'], execArgv: [], cwd: '/app'}), 'npx perftop', 'a project-local install is not on the PATH');
	assert.equal(shellWord('/tmp/my dir/h.sock'), "'/tmp/my dir/h.sock'");
	assert.equal(shellWord('/tmp/h.sock'), '/tmp/h.sock');
});

test('an ssh:// address is left to its transport, not checked as a local path', () => {
	assert.deepEqual(inspectSocketPath('ssh://build@ci.example:2222/run/perftop/api.sock'), {kind: 'socket'});
	assert.equal(inspectSocketPath('/no/such/dir/api.sock').kind, 'missing');
});
