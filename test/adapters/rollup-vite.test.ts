/**
 * perftopRollup as a Vite plugin in a real `vite build` (vite 7, programmatic build()): what it sees, and that it
 * changes nothing in the output; and under Vite's dev server, which calls plugins without Rollup.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import type {Plugin, RollupOutput} from 'rollup';
import {build, createServer, type InlineConfig} from 'vite';
import {PerformanceMonitor} from '../../source/index.js';
import {perftopRollup} from '../../source/adapters/rollup.js';
import {writeRollupProject} from './rollup-project.js';

const dirs: string[] = [];
after(() => {
	for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

/** The fixture project as a Vite app: an index.html that loads src/main.js. */
function newApp(): string {
	const dir = mkdtempSync(join(tmpdir(), 'perftop-vite-'));
	dirs.push(dir);
	writeRollupProject(dir, 4);
	writeFileSync(join(dir, 'index.html'), '<!doctype html>\n<html><head><title>fixture</title></head><body><script type="module" src="/src/main.js"></script></body></html>\n');
	return dir;
}

/** One `vite build` without writing; every output file as text, and the wall time. */
async function viteBuild(root: string, plugins: InlineConfig['plugins']): Promise<{files: Array<[string, string]>; wallMs: number}> {
	const started = process.hrtime.bigint();
	const result = (await build({root, configFile: false, logLevel: 'silent', plugins, build: {write: false}})) as RollupOutput | RollupOutput[];
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	const outputs = Array.isArray(result) ? result : [result];
	const files = outputs.flatMap(output => output.output.map((file): [string, string] => [file.fileName, file.type === 'chunk' ? file.code : String(file.source)]));
	return {files, wallMs};
}

test('vite build: Vite\'s own plugins and the user\'s are timed, the output is unchanged', async () => {
	const root = newApp();
	const userPlugin = (): Plugin => ({name: 'user-banner', transform: async () => null, renderChunk: code => `/* banner */\n${code}`});
	const bare = await viteBuild(root, [userPlugin()]);

	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	const mine = userPlugin();
	const transform = mine.transform;
	const monitored = await viteBuild(root, [perftopRollup({monitor}), mine]);
	assert.deepEqual(monitored.files, bare.files, 'byte-identical output');
	assert.equal(mine.transform, transform, 'the user\'s plugin object keeps its hooks');

	const plugins = monitor.getPerformanceSummary().plugins;
	const count = (plugin: string, op: string) => plugins.find(summary => summary.name === plugin)?.hooks.find(series => series.op === op)?.count ?? 0;
	assert.ok(!plugins.some(summary => summary.name === 'perftop'), 'the adapter does not time itself (Vite copies every plugin)');
	assert.ok(count('user-banner', 'transform') > 0, 'the user\'s plugin');
	assert.ok(count('user-banner', 'renderChunk') > 0);
	assert.ok(count('vite:resolve', 'resolveId') > 0, 'Vite\'s resolver');
	assert.ok(count('vite:esbuild', 'transform') > 0);
	assert.ok(count('vite:build-html', 'generateBundle') > 0, 'an output-phase hook of a Vite plugin');
	assert.ok(count('commonjs--resolver', 'resolveId') > 0, 'the resolver Vite\'s commonjs plugin inserts');
	for (const summary of plugins) assert.ok((summary.busyMs ?? 0) <= monitored.wallMs, `${summary.name}: busy ${summary.busyMs} ms <= the build's ${monitored.wallMs} ms`);
});

test('vite dev server: plugins are timed while it serves and get their hooks back when it closes', async () => {
	const root = newApp();
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	const mine: Plugin = {name: 'user-banner', transform: async () => null};
	const transform = mine.transform;
	const server = await createServer({
		root,
		configFile: false,
		logLevel: 'silent',
		server: {middlewareMode: true, ws: false},
		optimizeDeps: {noDiscovery: true, include: []},
		plugins: [perftopRollup({monitor}), mine],
	});
	try {
		assert.notEqual(mine.transform, transform, 'instrumented once the config is resolved');
		const result = await server.transformRequest('/src/main.js');
		assert.match(result?.code ?? '', /feature0/);
	} finally {
		await server.close();
	}
	assert.equal(mine.transform, transform, 'closing the server (closeBundle) puts the original back');
	const count = (plugin: string, op: string) => monitor.getPluginPerformance(plugin)?.hooks.find(series => series.op === op)?.count ?? 0;
	assert.equal(count('user-banner', 'transform'), 1, 'the user\'s plugin, once for the one module served');
	assert.ok(count('vite:resolve', 'resolveId') > 0, 'Vite\'s resolver');
	assert.ok(count('vite:import-analysis', 'transform') > 0, 'a dev-only Vite plugin');
	assert.equal(monitor.getPluginPerformance('perftop'), undefined);
});
