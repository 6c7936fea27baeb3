/**
 * What a newcomer tripped over in the live view (issue 15, items 8-15), at exactly 80x24 and 200x60.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {SeriesSummary} from '../../source/protocol/snapshot.js';
import {chooseTheme, colorTheme, monoTheme} from '../../source/tui/theme.js';
import {loadForTerminal} from '../../source/tui/interactive-env.js';
import {msWithUnit} from '../../source/tui/format.js';
import {alert, cache, hook, plugin, snapshot} from './fakes.js';
import {KEYS, renderApp, type RenderedApp} from './render-app.js';

const SIZES = [
	{width: 80, height: 24},
	{width: 200, height: 60},
] as const;

/** An operation timed without a plugin (monitor.wrap / time). */
function operation(op: string, count: number, p50: number): SeriesSummary {
	return {...hook('x', op, count, p50), plugin: null, kind: 'operation'};
}

async function connected(size: {width: number; height: number}, s = snapshot(), options: Parameters<typeof renderApp>[0] extends infer O ? Partial<O> : never = {}): Promise<RenderedApp> {
	const app = await renderApp({...size, ...options});
	app.connection.connected();
	app.connection.send(s);
	await app.waitFor(frame => frame.includes('connected shop-api') && frame.includes('CACHE'), 'the first snapshot');
	return app;
}

const lines = (frame: string) => frame.split('\n');

for (const size of SIZES) {
	describe(`at ${size.width}x${size.height}`, () => {
		test('8: operations timed without a plugin have rows of their own', async t => {
			const app = await connected(size, snapshot({series: [operation('checkout', 120, 2), operation('render', 40, 0.5)]}));
			t.after(() => app.unmount());
			const frame = app.frame();
			assert.match(frame, /OPERATION\s+CALLS\s+RATE\s+P50\s+P95\s+P99\s+MAX\s+ERRS/);
			assert.match(frame, /^ {2}checkout\s+120\s+2\.0\s+2\.00/m, frame);
			assert.match(frame, /^ {2}render\s+40\s/m);
			assert.ok(frame.indexOf('checkout') < frame.indexOf('render'), 'the busiest first');
			assert.ok(lines(frame).length <= size.height - 1);
		});

		test('9: a silent host: the status line says for how long and what the OS sees of it', async t => {
			const asked: number[] = [];
			let cpu = 0;
			const app = await connected(size, snapshot(), {
				sampleProcess: async pid => {
					asked.push(pid);
					cpu += 50;
					return {cpuPercent: cpu, rss: 1.2 * 1024 ** 3};
				},
			});
			t.after(() => app.unmount());
			assert.equal(asked.length, 0, 'nothing is sampled while snapshots arrive');
			app.now.value += 12_000;
			// The first sample's CPU covers the whole process life: it is not shown.
			await app.waitFor(frame => frame.includes('host not responding for 12 s: CPU ..., RSS 1.2 GB'), 'the first sample', 6000);
			const frame = await app.waitFor(frame => /host not responding for 12 s: CPU \d+ %, RSS 1\.2 GB/.test(frame), 'the second sample', 6000);
			assert.deepEqual([...new Set(asked)], [4242], 'the host pid from the hello');
			assert.doesNotMatch(frame, /updated \d+s ago/);
			assert.match(frame, /db/, 'the last data stays under the message');
			app.connection.send(snapshot({}, 2));
			await app.waitFor(frame => frame.includes('connected shop-api') && !frame.includes('not responding'), 'the message gone with the next snapshot');
		});

		test('9: without a sampler, or for a host on another machine, it still says the host is silent', async t => {
			const app = await connected(size, snapshot(), {sampleProcess: async () => null});
			t.after(() => app.unmount());
			app.now.value += 5000;
			await app.waitFor(frame => frame.includes('host not responding for 5 s (on another machine: no CPU/RSS)'), 'the remote message', 6000);
		});

		test('10: p99 and max of the event loop both carry their unit', async t => {
			const base = snapshot();
			const app = await connected(size, snapshot({process: {...base.process!, eventLoop: {p50Ms: 1, p99Ms: 1500, maxMs: 1500, utilization: 0.5}}}));
			t.after(() => app.unmount());
			assert.match(app.frame(), /p99 1\.50s max 1\.50s/);
			assert.doesNotMatch(app.frame(), /sms/);
			app.connection.send(snapshot({process: {...base.process!, eventLoop: {p50Ms: 1, p99Ms: 5.25, maxMs: 5.25, utilization: 0.5}}}, 2));
			await app.waitFor(frame => frame.includes('p99 5.25ms max 5.25ms'), 'ms units');
			assert.equal(msWithUnit(0.004), '4.0us');
			assert.equal(msWithUnit(null), '-');
		});

		test('11: the prompts, the filter and long alerts keep what matters visible', async t => {
			const long = 'RSS 356.6 MB is 86 % over the baseline 191.6 MB (budget 229.9 MB): look for a leak in the plugins loaded last';
			const app = await connected(size, snapshot({alerts: [alert('process', long)]}));
			t.after(() => app.unmount());
			let frame = app.frame();
			assert.match(frame, /! \[\d+s\] process: RSS 356\.6 MB is 86 % over the baseline/);
			// The end of the message is on a second line, not cut.
			assert.match(frame.replace(/\s+/g, ' '), /look for a leak in the plugins loaded last/);
			await app.press('c');
			frame = await app.waitFor(f => f.includes('Clear all caches?'), 'the question');
			assert.match(frame, /Clear all caches\? y\/a: yes {2}n\/Esc: no {2}\(Tab, then c: one cache\)/);
			await app.press('n', '\\', ...'a-very-long-filter-text-that-matters');
			await app.press(KEYS.enter);
			frame = await app.waitFor(f => f.includes('no plugin matches'), 'the filter applied');
			assert.match(frame, /filter "a-very-long-filter-text-that-matters" \| sort TIME% desc/);
			for (const line of lines(frame)) assert.ok(line.length <= size.width, `too wide: ${line}`);
		});

		test('11: a search longer than the line shows its end, where the typing is', async t => {
			const app = await connected(size);
			t.after(() => app.unmount());
			const text = `${'x'.repeat(size.width)}-end-of-what-was-typed`;
			await app.press('/', ...text);
			const frame = await app.waitFor(f => f.includes('-end-of-what-was-typed_'), 'the end of the search text');
			assert.match(frame, /Search: ~x+-end-of-what-was-typed_ {3}\(Enter: done, Esc: cancel\)/);
			for (const line of lines(frame)) assert.ok(line.length <= size.width, `too wide: ${line}`);
		});

		test('13: only the focused table shows ">"; Enter on a cache opens its detail view, Esc goes back', async t => {
			const app = await connected(size);
			t.after(() => app.unmount());
			let frame = app.frame();
			assert.match(frame, /^> db/m);
			assert.doesNotMatch(frame, /^> (users|sessions)/m);
			await app.press(KEYS.tab);
			frame = await app.waitFor(f => /^> users/m.test(f), 'the caches focused');
			assert.doesNotMatch(frame, /^> db/m, 'the plugin table lost its marker');
			assert.match(frame, /^ {2}db\s/m);
			await app.press(KEYS.down, KEYS.enter);
			frame = await app.waitFor(f => f.includes('Cache sessions'), 'the cache detail');
			assert.match(frame, /hit ratio 25% since creation or reset/);
			assert.match(frame, /lookups: hits 10 {2}misses 30/);
			assert.match(frame, /TTL 1\.0m/);
			assert.ok(lines(frame).length <= size.height - 1);
			for (let seq = 2; seq <= 5; seq++) app.connection.send(snapshot({caches: [cache('users'), cache('sessions', {hits: 10 * seq, misses: 30})]}, seq));
			frame = await app.waitFor(f => /hit ratio\s+[▁-█ ]*[▁-█]+ \d+%/.test(f), 'the hit ratio trend');
			await app.press(KEYS.escape);
			await app.waitFor(f => f.includes('PLUGIN') && /^> sessions/m.test(f), 'back to the list, the cache still selected');
		});

		test('15: e, c and r while disconnected say why', async t => {
			const app = await connected(size);
			t.after(() => app.unmount());
			app.connection.setStatus({state: 'disconnected', error: 'ECONNREFUSED', retryInMs: 4000});
			await app.waitFor(f => f.includes('disconnected, retrying'), 'the disconnected status');
			await app.press('e');
			await app.waitFor(f => f.includes('cannot export: disconnected from the host, retrying in 4s'), 'the export notice');
			assert.equal(app.connection.commands.length, 0);
		});
	});
}

describe('12: a 200x60 terminal shows more instead of blank rows', () => {
	test('MAX and MEAN columns, a wide name column, a trend column and the hooks panel with charts', async t => {
		const hooks = [hook('db', 'query', 200, 4), hook('db', 'connect', 100, 8, 3)];
		const app = await connected({width: 200, height: 60}, snapshot({plugins: [plugin('db-with-a-rather-long-plugin-name', {calls: 300, p50: 4, share: 0.5, hooks}), plugin('auth', {share: 0.3})]}));
		t.after(() => app.unmount());
		for (let seq = 2; seq <= 6; seq++) app.connection.send(snapshot({plugins: [plugin('db-with-a-rather-long-plugin-name', {calls: 300 + seq * 50, p50: 4, share: 0.5, hooks}), plugin('auth', {share: 0.3})]}, seq));
		const frame = await app.waitFor(f => f.includes('calls/s of db-with-a-rather-long-plugin-name'), 'the charts');
		assert.match(frame, /PLUGIN\s+ST\s+LOAD\s+LMEM\s+CALLS\s+RATE\s+P50\s+P95\s+P99\s+MAX\s+MEAN\s+ERRS\s+ERR%\s+TIME%\s+TREND calls\/s/);
		assert.match(frame, /^> db-with-a-rather-long-plugin-name\s+ok/m, 'the name is not cut');
		assert.match(frame, /HOOK of db-with-a-rather/);
		assert.match(frame, /^ {2}query\s+200/m);
		assert.match(frame, /p99 ms of db-with-a-rather-long-plugin-name/);
		let blank = 0;
		let longest = 0;
		for (const line of lines(frame)) {
			blank = line.trim() === '' ? blank + 1 : 0;
			longest = Math.max(longest, blank);
		}
		assert.ok(longest <= 3, `longest blank run ${longest}:\n${frame}`);
		assert.ok(lines(frame).length <= 59);
	});

	test('at 80x24 the hooks panel, the extra columns and the trend stay away', async t => {
		const app = await connected({width: 80, height: 24});
		t.after(() => app.unmount());
		const frame = app.frame();
		assert.doesNotMatch(frame, /HOOK of|\sMAX\s|MEAN|TREND/);
	});
});

describe('14: CI does not decide colour or drawing', () => {
	test('the theme follows NO_COLOR, --no-color and FORCE_COLOR only', () => {
		assert.equal(chooseTheme({CI: 'true'}), colorTheme);
		assert.equal(chooseTheme({CI: 'false'}), colorTheme);
		assert.equal(chooseTheme({CI: 'true', NO_COLOR: '1'}), monoTheme);
		assert.equal(chooseTheme({}, {color: false}), monoTheme);
		assert.equal(chooseTheme({FORCE_COLOR: '0'}), monoTheme);
		assert.equal(chooseTheme({FORCE_COLOR: '1', TERM: 'dumb'}), colorTheme);
	});

	test('Ink loads without CI on a terminal, and CI is back right after', async () => {
		const env: NodeJS.ProcessEnv = {CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/h'};
		const seen = await loadForTerminal(async () => ({...env}), true, env);
		assert.deepEqual(seen, {HOME: '/h'});
		assert.deepEqual(env, {CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/h'});
		const piped = await loadForTerminal(async () => ({...env}), false, env);
		assert.equal(piped.CI, 'true', 'not a terminal: unchanged');
		await assert.rejects(loadForTerminal(async () => Promise.reject(new Error('boom')), true, env));
		assert.equal(env.CI, 'true', 'restored after a failed load');
	});
});
