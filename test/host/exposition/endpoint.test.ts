import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createServer} from 'node:net';
import {test} from 'node:test';
import {PerformanceMonitor} from '../../../source/index.js';
import {expositionChunks} from '../../../source/protocol/exposition.js';
import type {PrometheusOptions} from '../../../source/host/exposition/index.js';
import {samples, value} from './parse.js';

function monitorWith(prometheus: PrometheusOptions, faults: string[] = []): PerformanceMonitor {
	return new PerformanceMonitor({samplers: {intervalMs: 50, system: false}, alerts: false, prometheus, onFault: kind => faults.push(kind)});
}

/** Where promtool is, or null (then the promtool tests skip, naming the reason). */
function promtool(): string | null {
	const found = spawnSync('sh', ['-c', 'command -v promtool'], {encoding: 'utf8'});
	return found.status === 0 ? found.stdout.trim() : null;
}

test('the endpoint serves text 0.0.4, or OpenMetrics when asked, on 127.0.0.1 by default; other paths and methods are refused', async t => {
	const monitor = monitorWith({port: 0});
	t.after(() => monitor.stop());
	await monitor.start();
	monitor.record('quote', 3, {plugin: 'pricing', kind: 'hook'});
	const url = monitor.prometheus!.url!;
	assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
	const text = await fetch(url);
	assert.equal(text.status, 200);
	assert.equal(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
	const body = await text.text();
	assert.equal(value(samples(body), 'perftop_hook_duration_seconds_count', {plugin: 'pricing', hook: 'quote'}), 1);
	assert.ok(!body.includes('# EOF'));
	const om = await fetch(url, {headers: {accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'}});
	assert.equal(om.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
	assert.ok((await om.text()).endsWith('# EOF\n'));
	assert.equal((await fetch(url + '?x=1')).status, 200, 'a query string is ignored');
	const elsewhere = await fetch(url.replace('/metrics', '/other'));
	assert.equal(elsewhere.status, 404);
	await elsewhere.text();
	const post = await fetch(url, {method: 'POST'});
	assert.equal(post.status, 405);
	await post.text();
	const head = await fetch(url, {method: 'HEAD'});
	assert.equal(head.status, 200);
	await monitor.stop();
	await assert.rejects(fetch(url), 'the endpoint is gone after stop()');
});

test('a port already in use is a fault, not an exception; start({strict: true}) throws it', async t => {
	const blocker = createServer();
	await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
	t.after(() => new Promise<void>(resolve => blocker.close(() => resolve())));
	const port = (blocker.address() as {port: number}).port;
	const faults: string[] = [];
	const monitor = monitorWith({port}, faults);
	t.after(() => monitor.stop());
	await monitor.start();
	assert.deepEqual(faults, ['prometheus']);
	assert.equal(monitor.prometheus!.url, null);
	monitor.record('still', 1);
	assert.equal(monitor.getPerformanceSummary().series.length, 1, 'the monitor works on');
	const strict = monitorWith({port});
	t.after(() => strict.stop());
	await assert.rejects(strict.start({strict: true}), /EADDRINUSE/);
	const invalid: string[] = [];
	const badBuckets = monitorWith({port: 0, buckets: [-1]}, invalid);
	t.after(() => badBuckets.stop());
	await badBuckets.start();
	assert.deepEqual(invalid, ['prometheus'], 'invalid options are a fault at start, never a throw from the constructor');
});

test('a scrape of many series comes in pieces of whole series, and the endpoint sends them all', async t => {
	const monitor = monitorWith({port: 0});
	t.after(() => monitor.stop());
	await monitor.start();
	for (let plugin = 0; plugin < 100; plugin++) for (let hook = 0; hook < 5; hook++) for (let call = 0; call < 20; call++) monitor.record(`hook${hook}`, 0.01 * (call + 1) * (plugin + 1), {plugin: `plugin-${plugin}`, kind: 'hook'});
	const pieces = [...expositionChunks({series: monitor.registry.all()}, monitor.prometheus!.resolved, 'prometheus')];
	assert.ok(pieces.length >= 500 / monitor.prometheus!.resolved.seriesPerChunk, `${pieces.length} pieces`);
	for (const piece of pieces) {
		const inPiece = samples(piece);
		for (const count of inPiece.filter(sample => sample.name === 'perftop_hook_duration_seconds_count')) {
			const infinite = inPiece.find(sample => sample.name === 'perftop_hook_duration_seconds_bucket' && sample.labels['le'] === '+Inf' && sample.labels['plugin'] === count.labels['plugin'] && sample.labels['hook'] === count.labels['hook']);
			assert.equal(infinite?.value, count.value, 'a series\' buckets and count are in the same piece');
		}
	}
	const body = await (await fetch(monitor.prometheus!.url!)).text();
	assert.equal(samples(body).filter(sample => sample.name === 'perftop_hook_duration_seconds_count').length, 500);
	const hookSamples = (text: string) => samples(text).filter(sample => sample.name.startsWith('perftop_hook_'));
	assert.deepEqual(hookSamples(body), hookSamples(pieces.join('')), 'the endpoint sends the same series');
});

test('promtool check metrics passes on real output (text 0.0.4)', async t => {
	const tool = promtool();
	if (tool === null) {
		t.skip('promtool not found: install the distribution\'s prometheus package (.ci/run does)');
		return;
	}
	const monitor = monitorWith({port: 0});
	t.after(() => monitor.stop());
	await monitor.start();
	await monitor.samplers!.sampleNow();
	for (let index = 0; index < 200; index++) monitor.record('quote', 0.05 * index, {plugin: 'pri"cing\\', kind: 'hook', error: index % 10 === 0});
	monitor.record('checkout', 40);
	monitor.recordPluginLoad({name: 'broken', source: null, state: 'failed', loadMs: 2, loadBytes: 100, loadMemoryMode: null, error: 'no "module"\nstack'});
	const cache = monitor.createCache<string, {v: number}>('users', {max: 10});
	cache.get('a');
	const body = await (await fetch(monitor.prometheus!.url!)).text();
	assert.match(body, /nodejs_heap_size_used_bytes \d+/);
	const checked = spawnSync(tool, ['check', 'metrics'], {input: body, encoding: 'utf8'});
	assert.equal(checked.status, 0, `promtool: ${checked.stdout}${checked.stderr}`);
	assert.equal(`${checked.stdout}${checked.stderr}`.trim(), '', 'no lint findings either');
});
