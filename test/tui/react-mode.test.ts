/**
 * The live view runs React's production build, and every React module in the process agrees on the build
 * (a development React with a production reconciler draws nothing).
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {describe, test} from 'node:test';
import {loadWithProductionReact, reactLoaded} from '../../source/tui/react-mode.js';

const root = join(import.meta.dirname, '..', '..');

describe('loadWithProductionReact', () => {
	test('sets NODE_ENV=production only while loading, then restores it as it was', async () => {
		for (const before of [undefined, 'development', 'test']) {
			const env: NodeJS.ProcessEnv = before === undefined ? {} : {NODE_ENV: before};
			const result = await loadWithProductionReact(async () => env['NODE_ENV'], env, {});
			assert.equal(result.loaded, 'production');
			assert.equal(result.build, 'production');
			assert.equal(env['NODE_ENV'], before);
			assert.equal('NODE_ENV' in env, before !== undefined);
		}
	});

	test('leaves NODE_ENV alone once React is loaded: its build can no longer change', async () => {
		const env: NodeJS.ProcessEnv = {};
		const cache = {'/x/node_modules/react/index.js': {}};
		assert.equal(reactLoaded(cache), true);
		assert.equal(reactLoaded({'/x/node_modules/reactive/index.js': {}, '/x/src/react/a.js': {}}), false);
		const result = await loadWithProductionReact(async () => env['NODE_ENV'], env, cache);
		assert.deepEqual(result, {loaded: undefined, build: 'unchanged'});
	});

	test('restores NODE_ENV when loading fails', async () => {
		const env: NodeJS.ProcessEnv = {};
		await assert.rejects(loadWithProductionReact(() => Promise.reject(new Error('missing module')), env, {}), /missing module/);
		assert.equal('NODE_ENV' in env, false);
	});
});

test('a fresh process loads the production builds of React, the reconciler and the scheduler, and Ink draws state updates with them', () => {
	const script = `
		import {createRequire} from 'node:module';
		import {EventEmitter} from 'node:events';
		import {loadWithProductionReact} from './source/tui/react-mode.ts';
		const {loaded: [ink, React]} = await loadWithProductionReact(() => Promise.all([import('ink'), import('react')]));
		const out = Object.assign(new EventEmitter(), {isTTY: true, columns: 40, rows: 10, frames: [], write(s) { this.frames.push(s); return true; }});
		const stdin = Object.assign(new EventEmitter(), {isTTY: false, setEncoding() {}, setRawMode() {}, ref() {}, unref() {}, read() { return null; }});
		let set;
		function Counter() { const [n, setN] = React.useState(0); set = setN; return React.createElement(ink.Text, null, 'count ' + n); }
		const app = ink.render(React.createElement(Counter), {stdout: out, stdin, stderr: out, patchConsole: false, exitOnCtrlC: false});
		await new Promise(r => setTimeout(r, 50));
		set(7);
		await new Promise(r => setTimeout(r, 200));
		app.unmount();
		// Node's ESM loader pre-parses both builds for their export names; only one of them is executed (loaded).
		const loaded = Object.entries(createRequire(import.meta.url).cache).filter(([p, m]) => m.loaded && /node_modules\\/(react|react-reconciler|scheduler)\\/cjs\\//.test(p)).map(([p]) => p.split('/cjs/')[1]);
		console.log(JSON.stringify({env: process.env.NODE_ENV ?? null, loaded, drawn: out.frames.join('')}));
		process.exit(0);
	`;
	const output = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', script], {cwd: root, encoding: 'utf8', env: {...process.env, CI: 'false', NODE_ENV: ''}});
	const result = JSON.parse(output.trim().split('\n').at(-1)!) as {env: string | null; loaded: string[]; drawn: string};
	assert.ok(result.loaded.length >= 3, result.loaded.join());
	for (const file of result.loaded) assert.match(file, /\.production\.js$/);
	assert.match(result.drawn, /count 7/);
	assert.equal(result.env, '', 'NODE_ENV is as it was after loading');
});
