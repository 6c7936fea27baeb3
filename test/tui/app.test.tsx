import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {ErrorCode} from '../../source/protocol/errors.js';
import type {MetricsExport} from '../../source/protocol/snapshot.js';
import {KEYMAP, keyLabel} from '../../source/tui/keymap.js';
import {alert, manyPlugins, plugin, snapshot} from './fakes.js';
import {KEYS, renderApp, type RenderedApp} from './render-app.js';

const SIZES = [
	{width: 80, height: 24},
	{width: 200, height: 60},
];

async function connectedApp(size: {width: number; height: number}, s = snapshot(), options: {readonly?: boolean} = {}): Promise<RenderedApp> {
	const app = await renderApp({...size, ...options});
	app.connection.connected(options.readonly);
	app.connection.send(s);
	await app.waitFor(frame => frame.includes('PLUGIN') && frame.includes('connected'), 'the first snapshot');
	return app;
}

function lines(frame: string): string[] {
	return frame.split('\n');
}

for (const size of SIZES) {
	describe(`at ${size.width}x${size.height}`, () => {
		test('the main view shows every panel, fits in height - 1 rows and in the width', async t => {
			const app = await connectedApp(size, snapshot({alerts: [alert('db', 'p99 over 1 s')]}));
			t.after(() => app.unmount());
			const frame = app.frame();
			assert.ok(lines(frame).length <= size.height - 1, `${lines(frame).length} lines`);
			for (const line of lines(frame)) assert.ok(line.length <= size.width, `too wide: ${line}`);
			for (const text of ['CPU', 'Mem', 'Swp', 'Load', 'RSS', 'Heap', 'Loop', 'ELU', 'PLUGIN', 'P99', 'ERR%', 'CACHE', 'HIT%', 'ALERTS (1 active)', 'p99 over 1 s', 'shop-api pid 4242', 'cClear', 'qQuit']) {
				assert.ok(frame.includes(text), `missing ${text}:\n${frame}`);
			}
			// The db row: 300 calls, 3 errors = 1.0 %, p99 12.0 ms, half of the hook time.
			const db = lines(frame).find(line => line.includes(' db '))!;
			if (size.width < 120) assert.match(db, /^> db\s+ok\s+12\.5\s+2\.00M\s+300\s+5\.0\s+4\.00\s+8\.00\s+12\.0\s+3\s+1\.0%\s+50%$/);
			// Wide: MAX and MEAN after P99, and the calls/s trend after TIME%.
			else assert.match(db, /^> db\s+ok\s+12\.5\s+2\.00M\s+300\s+5\.0\s+4\.00\s+8\.00\s+12\.0\s+20\.0\s+4\.00\s+3\s+1\.0%\s+50%\s+[▁-█]+$/);
			assert.match(frame, /users\s+50\/500\s+90%\s+90\s+10/);
		});

		test('sections without data say so instead of showing zeros', async t => {
			const app = await connectedApp(size, snapshot({process: null, system: null, caches: null, plugins: []}));
			t.after(() => app.unmount());
			const frame = app.frame();
			assert.match(frame, /System: not sampled yet/);
			assert.match(frame, /Host process: not sampled yet/);
			assert.match(frame, /this host reports no caches/);
			assert.match(frame, /no plugins reported by the host yet/);
			assert.doesNotMatch(frame, /RSS/);
		});

		test('Enter opens the detail view with the hooks and their percentiles; Esc goes back', async t => {
			const app = await connectedApp(size);
			t.after(() => app.unmount());
			await app.press(KEYS.enter);
			const detail = await app.waitFor(frame => frame.includes('Plugin db'), 'detail view');
			assert.ok(lines(detail).length <= size.height - 1);
			assert.match(detail, /HOOK/);
			assert.match(detail, /handle\s+299\s+5\.0\s+4\.00\s+8\.00\s+12\.0\s+20\.0\s+3/);
			assert.match(detail, /init\s+1/);
			assert.match(detail, /calls\/s/);
			await app.press(KEYS.escape);
			await app.waitFor(frame => frame.includes('PLUGIN') && !frame.includes('Plugin db'), 'main view');
		});

		test('? shows every key of the keymap and goes back', async t => {
			const app = await connectedApp(size);
			t.after(() => app.unmount());
			await app.press('?');
			const help = await app.waitFor(frame => frame.includes('perftop keys'), 'help');
			assert.ok(lines(help).length <= size.height - 1);
			for (const binding of KEYMAP) assert.ok(help.includes(binding.description), `help lacks ${binding.description}`);
			await app.press('h');
			await app.waitFor(frame => frame.includes('PLUGIN'), 'main view after h');
		});

		test('below 80x24 it names the needed and the actual size', async t => {
			const app = await renderApp({width: size.width === 80 ? 79 : 120, height: size.width === 80 ? 24 : 20});
			t.after(() => app.unmount());
			const frame = await app.waitFor(frame => frame.includes('too small'), 'size message');
			assert.match(frame, size.width === 80 ? /79x24/ : /120x20/);
			assert.match(frame, /at least 80x24/);
		});
	});
}

describe('keys', () => {
	test('arrows, PgDn/PgUp, End/Home move the selection and the window follows', async t => {
		const app = await connectedApp({width: 80, height: 24}, snapshot({plugins: manyPlugins(200)}));
		t.after(() => app.unmount());
		const selectedName = () => /^> (\S+)/m.exec(app.frame())?.[1];
		const first = selectedName();
		await app.press(KEYS.down, KEYS.down);
		await app.waitFor(() => selectedName() !== first, 'down');
		const third = selectedName();
		await app.press(KEYS.up);
		await app.waitFor(() => selectedName() !== third, 'up');
		await app.press(KEYS.end);
		await app.waitFor(frame => /^> /m.test(frame) && selectedName() !== first && !frame.includes(`  ${first} `), 'end');
		const last = selectedName();
		await app.press(KEYS.home);
		await app.waitFor(() => selectedName() === first, 'home');
		await app.press(KEYS.pageDown);
		await app.waitFor(() => selectedName() !== first, 'page down');
		await app.press(KEYS.pageUp);
		await app.waitFor(() => selectedName() === first, 'page up');
		assert.notEqual(last, first);
	});

	test('< > change the sort column and I inverts it, shown in the status line', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		await app.press('<');
		await app.waitFor(frame => frame.includes('sort ERR% desc'), 'sort ERR%');
		await app.press('>', '>');
		await app.waitFor(frame => frame.includes('sort TIME% desc'), 'back to TIME%, clamped');
		await app.press('I');
		const frame = await app.waitFor(frame => frame.includes('sort TIME% asc'), 'inverted');
		const order = lines(frame).filter(line => /^[> ] (auth|db|search) /.test(line)).map(line => line.slice(2).split(' ')[0]);
		assert.deepEqual(order, ['search', 'auth', 'db']);
	});

	test('/ searches and \\ filters from a prompt on the bottom line', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		await app.press('/', 's', 'e');
		await app.waitFor(frame => frame.includes('Search: se_') && /^> search/m.test(frame), 'search selects');
		await app.press(KEYS.enter, '\\', 'a', 'u');
		const filtered = await app.waitFor(frame => frame.includes('Filter: au_') && !/^ {2}db /m.test(frame), 'filter');
		assert.match(filtered, /^> auth/m);
		await app.press(KEYS.enter);
		await app.waitFor(frame => frame.includes('filter "au"'), 'filter in status line');
		await app.press(KEYS.escape);
		await app.waitFor(frame => /^ {2}db /m.test(frame) || /^> db /m.test(frame), 'filter cleared');
	});

	test('keys typed faster than the screen redraws are not lost', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		app.typeFast('\\', 's', 'e', 'a');
		const frame = await app.waitFor(f => f.includes('Filter: sea_'), 'the whole filter text');
		assert.match(frame, /^> search/m);
	});

	test('Z pauses: the display stays frozen and says PAUSED until Z again', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		await app.press('Z');
		await app.waitFor(frame => frame.includes('PAUSED'), 'paused');
		app.connection.send(snapshot({plugins: [plugin('newcomer', {share: 0.9})]}, 2));
		await new Promise(resolve => setTimeout(resolve, 50));
		assert.doesNotMatch(app.frame(), /newcomer/);
		await app.press('Z');
		await app.waitFor(frame => frame.includes('newcomer') && !frame.includes('PAUSED'), 'resumed with the newest data');
	});

	test('e asks the host for an export, writes it and shows the path', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		const data: MetricsExport = {format: 'perftop-export', version: 1, exportedAt: 5, snapshot: snapshot(), series: []};
		app.connection.replies.set('export', data);
		await app.press('e');
		await app.waitFor(frame => frame.includes('exported to /tmp/perftop-shop-api-1.json'), 'export path');
		assert.deepEqual(app.connection.commands.map(c => c.name), ['export']);
		assert.deepEqual(app.exports, [data]);
	});

	test('a failing export shows why', async t => {
		const app = await renderApp({width: 80, height: 24, exportError: new Error('/x/perftop.json already exists; use --force to overwrite it')});
		t.after(() => app.unmount());
		app.connection.connected();
		app.connection.send(snapshot());
		await app.waitFor(frame => frame.includes('connected shop-api'), 'table');
		app.connection.replies.set('export', {format: 'perftop-export', version: 1, exportedAt: 5, snapshot: snapshot(), series: []});
		await app.press('e');
		await app.waitFor(frame => frame.includes('export failed: /x/perftop.json already exists'), 'error notice');
	});

	test('c then y clears all caches; Tab, c, s clears only the selected cache', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		app.connection.replies.set('clear-cache', {cleared: [{name: 'users', entries: 50}, {name: 'sessions', entries: 50}]});
		await app.press('c');
		await app.waitFor(frame => frame.includes('Clear all caches? y/a: yes  n/Esc: no  (Tab, then c: one cache)'), 'question');
		assert.equal(app.connection.commands.length, 0);
		await app.press('y');
		await app.waitFor(frame => frame.includes('cleared 2 caches: 100 entries removed'), 'result');
		assert.deepEqual(app.connection.commands[0], {name: 'clear-cache', args: {}});

		app.connection.replies.set('clear-cache', {cleared: [{name: 'sessions', entries: 50}]});
		await app.press(KEYS.tab, KEYS.down, 'c');
		await app.waitFor(frame => frame.includes('Clear cache "sessions"?  s: only this one  a: all caches  n/Esc: cancel'), 'question for one cache');
		await app.press('s');
		await app.waitFor(frame => frame.includes('cleared cache "sessions": 50 entries removed'), 'result for one');
		assert.deepEqual(app.connection.commands[1], {name: 'clear-cache', args: {name: 'sessions'}});
	});

	test('c then n cancels without asking the host', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		await app.press('c');
		await app.waitFor(frame => frame.includes('Clear all caches'), 'question');
		await app.press('n');
		await app.waitFor(frame => frame.includes('qQuit'), 'key bar back');
		assert.equal(app.connection.commands.length, 0);
	});

	test('r then y resets metrics; a read-only host refusing it is shown clearly', async t => {
		const app = await connectedApp({width: 80, height: 24});
		t.after(() => app.unmount());
		app.connection.replies.set('reset-metrics', {at: 1, series: 3});
		await app.press('r');
		await app.waitFor(frame => frame.includes("Reset all of the host's metrics?"), 'question');
		await app.press('y');
		await app.waitFor(frame => frame.includes('metrics reset on the host'), 'done');
		app.connection.fail('reset-metrics', ErrorCode.readonly, 'the host is read-only');
		await app.press('r', 'y');
		await app.waitFor(frame => frame.includes('refused: the host is read-only, it does not allow reset-metrics (E_READONLY)'), 'refusal');
	});

	test('--readonly removes c and r from the key bar, the help and the keys', async t => {
		const app = await connectedApp({width: 80, height: 24}, snapshot(), {readonly: true});
		t.after(() => app.unmount());
		assert.doesNotMatch(app.frame(), /cClear|rReset/);
		assert.match(app.frame(), /read-only/);
		await app.press('c', 'r');
		await new Promise(resolve => setTimeout(resolve, 30));
		assert.doesNotMatch(app.frame(), /Clear all caches|Reset all/);
		await app.press('?');
		const help = await app.waitFor(frame => frame.includes('perftop keys'), 'help');
		assert.doesNotMatch(help, /reset the host's metrics/);
	});

	test('q and Ctrl-C quit', async t => {
		for (const key of ['q', KEYS.ctrlC]) {
			const app = await connectedApp({width: 80, height: 24});
			t.after(() => app.unmount());
			await app.press(key);
			await app.waitFor(() => app.quits.count === 1, `quit by ${JSON.stringify(key)}`);
		}
	});

	test('every binding in the keymap is driven by a test here or in state/keys.test.ts', () => {
		const driven = new Set(['?', 'h', '/', '\\', '<', ',', '>', '.', 'I', 'Enter', 'Esc', 'Tab', 'Up', 'k', 'Down', 'j', 'PgUp', 'PgDn', 'Home', 'End', 'Z', 'z', 'e', 'c', 'r', 'q', 'Ctrl-C']);
		for (const binding of KEYMAP) for (const spec of binding.keys) assert.ok(driven.has(keyLabel(spec)), `${keyLabel(spec)} is not driven`);
	});
});

describe('connection', () => {
	test('shows connecting, then the retry countdown when the host goes away, then resumes', async t => {
		const app = await renderApp({width: 80, height: 24});
		t.after(() => app.unmount());
		await app.waitFor(frame => frame.includes('connecting to /tmp/pt/shop.sock'), 'connecting');
		app.connection.connected();
		assert.deepEqual(app.connection.subscriptions, [1000]);
		app.connection.send(snapshot());
		await app.waitFor(frame => frame.includes('connected'), 'connected');
		app.connection.setStatus({state: 'disconnected', error: 'connect ECONNREFUSED', retryInMs: 3000});
		await app.waitFor(frame => frame.includes('disconnected, retrying in 3s (connect ECONNREFUSED)'), 'retry message');
		// The last data stays on screen while disconnected.
		assert.match(app.frame(), /auth/);
		app.connection.connected();
		app.connection.send(snapshot({}, 2));
		await app.waitFor(frame => frame.includes('connected shop-api'), 'resumed');
		assert.deepEqual(app.connection.subscriptions, [1000, 1000]);
	});

	test('a protocol version mismatch is a clear message', async t => {
		const app = await renderApp({width: 80, height: 24});
		t.after(() => app.unmount());
		app.connection.setStatus({state: 'incompatible', message: 'the host speaks protocol 2, this perftop speaks 1'});
		const frame = await app.waitFor(frame => frame.includes('protocol version mismatch'), 'mismatch');
		assert.match(frame, /the host speaks protocol 2/);
	});
});
