/**
 * The Fastify example host as the demo runs it: a child process serving its socket under its own load, every
 * plugin's hooks and routes visible to a client under the plugin that added them.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import type {PluginSummary} from 'perftop';
import {runDemo} from '../../source/commands/demo.js';
import {TSX_LOADER, tempDir, watch} from '../test/helpers/host-process.js';

const HOST = fileURLToPath(new URL('host.ts', import.meta.url));

test('the Fastify shop serves its socket under its own load, hooks attributed to the plugins that added them', async () => {
	const temp = tempDir('pf-host-');
	const socket = join(temp.dir, 'h.sock');
	const child = spawn(process.execPath, ['--import', TSX_LOADER, '--conditions=source', HOST, '--socket', socket, '--rate', '40', '--exit-with-stdin'], {stdio: ['pipe', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exited = new Promise<number | string | null>(resolve => child.once('exit', (code, signal) => resolve(code ?? signal)));
	try {
		const line = await new Promise<string>((resolve, reject) => {
			createInterface({input: child.stdout}).once('line', resolve);
			void exited.then(code => reject(new Error(`host exited (${code}): ${stderr}`)));
		});
		const ready = JSON.parse(line) as {socket: string; plugins: Record<string, string>};
		assert.equal(ready.socket, socket);
		for (const name of ['@fastify/cors', '@fastify/helmet', '@fastify/rate-limit', '@fastify/etag', 'pricing', 'catalog', 'search', 'cart', 'access-log']) assert.equal(ready.plugins[name], 'loaded', name);
		const watcher = watch(socket, 250);
		try {
			const hooks = (plugin: PluginSummary | undefined): Record<string, number> => Object.fromEntries((plugin?.hooks ?? []).map(hook => [hook.op, hook.count]));
			const snapshot = await watcher.until(
				latest => {
					const byName = new Map(latest.plugins.map(plugin => [plugin.name, plugin]));
					return (hooks(byName.get('cart'))['POST /cart'] ?? 0) > 0 && (hooks(byName.get('search'))['GET /search'] ?? 0) > 0;
				},
				30_000,
				'cart and search requests',
			);
			const byName = new Map(snapshot.plugins.map(plugin => [plugin.name, plugin]));
			// The route hook rate-limit and pricing add through onRoute, and the app's own hook.
			assert.ok((hooks(byName.get('@fastify/rate-limit')).onRequest ?? 0) > 0);
			assert.ok((hooks(byName.get('pricing')).preHandler ?? 0) > 0);
			assert.ok((hooks(byName.get('(app)')).onRequest ?? 0) > 0);
			assert.ok((hooks(byName.get('catalog')).preValidation ?? 0) > 0);
			assert.ok((hooks(byName.get('@fastify/etag')).onSend ?? 0) > 0);
			assert.ok((byName.get('catalog')?.loadMs ?? -1) >= 0, 'register time recorded');
		} finally {
			watcher.close();
		}
		child.stdin.end();
		assert.equal(await exited, 0, stderr);
	} finally {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		temp.remove();
	}
});

test('perftop demo --example fastify starts this host, attaches to it, and stops it when the view quits', async () => {
	let stdout = '';
	let pid = 0;
	let plugins: string[] = [];
	const code = await runDemo(
		{example: 'fastify', rate: 30, stdout: {write: (text: string) => ((stdout += text), true)}, stderr: {write: () => true}},
		async socket => {
			const watcher = watch(socket, 200);
			try {
				const snapshot = await watcher.until(latest => latest.plugins.some(plugin => plugin.name === 'catalog' && plugin.calls.count > 0), 30_000, 'catalog calls');
				pid = snapshot.host.pid;
				plugins = snapshot.plugins.map(plugin => plugin.name);
			} finally {
				watcher.close();
			}
			return 0;
		},
	);
	assert.equal(code, 0);
	assert.match(stdout, /^fastify shop: http:\/\/127\.0\.0\.1:\d+/m);
	assert.ok(plugins.includes('@fastify/rate-limit') && plugins.includes('(app)'), plugins.join(', '));
	assert.throws(() => process.kill(pid, 0), 'the host is gone after the view quit');
});
