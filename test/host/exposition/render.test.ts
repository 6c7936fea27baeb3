import assert from 'node:assert/strict';
import {test} from 'node:test';
import {bucketLow} from '../../../source/protocol/histogram.js';
import {
	DEFAULT_BOUNDARIES,
	escapeLabelValue,
	exportedSeries,
	nearestEdge,
	negotiateFormat,
	renderExposition,
	resolveExposition,
	type ExpositionInput,
} from '../../../source/protocol/exposition.js';
import {PerformanceMonitor} from '../../../source/index.js';
import {seededRandom} from '../../helpers/random.js';
import {find, samples, value} from './parse.js';

function quietMonitor(options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}): PerformanceMonitor {
	return new PerformanceMonitor({samplers: false, alerts: false, onFault: () => {}, ...options});
}

test('every default boundary is a bucket edge of the log-linear histogram, so the counts are exact', () => {
	const resolved = resolveExposition();
	assert.equal(resolved.exact, true);
	assert.equal(resolved.buckets.length, DEFAULT_BOUNDARIES.length);
	for (let index = 0; index < resolved.buckets.length; index++) {
		assert.equal(bucketLow(resolved.edges[index]!), Math.round(resolved.buckets[index]! * 1e9), `boundary ${resolved.buckets[index]} is an edge`);
	}
});

test('cumulative bucket counts equal the exact counts of the recorded durations below each boundary', () => {
	const monitor = quietMonitor();
	const random = seededRandom(7);
	const durationsNs: number[] = [];
	// Durations spread over 0.5 us .. 20 s, plus ones just either side of boundaries (1 ns off).
	for (let index = 0; index < 5000; index++) durationsNs.push(Math.round(500 * 4e7 ** random()));
	for (const boundary of DEFAULT_BOUNDARIES) durationsNs.push(Math.round(boundary * 1e9) - 1, Math.round(boundary * 1e9) + 1);
	for (const ns of durationsNs) monitor.record('quote', ns / 1e6, {plugin: 'pricing', kind: 'hook'});
	const all = samples(monitor.metricsText());
	const buckets = find(all, 'perftop_hook_duration_seconds_bucket', {plugin: 'pricing', hook: 'quote'});
	assert.equal(buckets.length, DEFAULT_BOUNDARIES.length + 1);
	for (const bucket of buckets) {
		const le = Number(bucket.labels['le'] === '+Inf' ? Infinity : bucket.labels['le']);
		const exact = durationsNs.filter(ns => ns / 1e9 <= le).length;
		assert.equal(bucket.value, exact, `le=${bucket.labels['le']}`);
	}
	assert.equal(value(all, 'perftop_hook_duration_seconds_count', {plugin: 'pricing', hook: 'quote'}), durationsNs.length);
	const sum = durationsNs.reduce((total, ns) => total + ns, 0) / 1e9;
	assert.ok(Math.abs(value(all, 'perftop_hook_duration_seconds_sum', {plugin: 'pricing', hook: 'quote'}) - sum) < sum * 1e-9);
});

test('configured boundaries off the edges are counted at the nearest edge (within 1/64) and keep their le text', () => {
	const resolved = resolveExposition({buckets: [0.1, 0.001, 0.25, 0.001]});
	assert.equal(resolved.exact, false);
	assert.deepEqual(resolved.buckets, [0.001, 0.1, 0.25]);
	const monitor = quietMonitor({prometheus: {buckets: [0.001, 0.1, 0.25], port: 0}});
	const durationsMs = Array.from({length: 2000}, (_, index) => 0.2 + index * 0.15);
	for (const ms of durationsMs) monitor.record('scan', ms);
	const all = samples(monitor.metricsText());
	for (const le of [0.001, 0.1, 0.25]) {
		const edge = nearestEdge(le * 1e9);
		const edgeNs = bucketLow(edge.index);
		assert.ok(Math.abs(edgeNs - le * 1e9) <= (le * 1e9) / 64, `edge of ${le} within 1/64`);
		const counted = value(all, 'perftop_operation_duration_seconds_bucket', {op: 'scan', le: String(le)});
		assert.equal(counted, durationsMs.filter(ms => ms * 1e6 < edgeNs).length, `le=${le} counts the durations below its edge`);
	}
	assert.throws(() => resolveExposition({buckets: [0.1, -1]}), /finite numbers > 0/);
	assert.throws(() => resolveExposition({maxSeries: 0}), /maxSeries/);
});

test('label values are escaped (backslash, quote, line feed) and read back as the original names', () => {
	assert.equal(escapeLabelValue('plain-name'), 'plain-name');
	assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
	const monitor = quietMonitor();
	const plugin = 'we"ird\\plug\nin';
	const hook = 'on "save"';
	monitor.record(hook, 2, {plugin, kind: 'hook'});
	monitor.recordPluginLoad({name: 'broken', source: null, state: 'failed', loadMs: 3, loadBytes: -512, loadMemoryMode: 'heap-delta', error: `Cannot find module "x\\y"\n    at stack line that must not appear ${'x'.repeat(100)}`});
	for (const format of ['prometheus', 'openmetrics'] as const) {
		const text = monitor.metricsText(format);
		const all = samples(text);
		assert.equal(value(all, 'perftop_hook_duration_seconds_count', {plugin, hook}), 1);
		const reason = find(all, 'perftop_plugin_loaded', {plugin: 'broken'})[0]!.labels['reason']!;
		assert.equal(reason, 'Cannot find module "x\\y"');
		assert.ok(!text.includes('stack line'), 'only the first line of a failure reason');
		assert.equal(value(all, 'perftop_plugin_load_heap_bytes', {plugin: 'broken'}), -512);
		assert.equal(value(all, 'perftop_plugin_load_seconds', {plugin: 'broken'}), 0.003);
	}
});

test('a long failure reason is cut short', () => {
	const monitor = quietMonitor();
	monitor.recordPluginLoad({name: 'slow', source: null, state: 'failed', loadMs: 1, loadBytes: null, loadMemoryMode: null, error: 'e'.repeat(500)});
	const reason = find(samples(monitor.metricsText()), 'perftop_plugin_loaded', {plugin: 'slow'})[0]!.labels['reason']!;
	assert.ok(reason.length <= 60, `reason of ${reason.length} characters`);
});

test('label sets past maxSeries are left out of each family and counted as dropped, with the cap shown', () => {
	const monitor = quietMonitor({prometheus: {maxSeries: 3, port: 0}});
	for (let index = 0; index < 5; index++) monitor.record(`hook${index}`, 1, {plugin: 'many', kind: 'hook'});
	for (let index = 0; index < 4; index++) monitor.record(`op${index}`, 1);
	const all = samples(monitor.metricsText());
	assert.equal(find(all, 'perftop_hook_duration_seconds_count').length, 3);
	assert.equal(find(all, 'perftop_hook_errors_total').length, 3);
	assert.deepEqual(find(all, 'perftop_hook_duration_seconds_count').map(sample => sample.labels['hook']), ['hook0', 'hook1', 'hook2'], 'the first series keep their place');
	assert.equal(find(all, 'perftop_operation_duration_seconds_count').length, 3);
	assert.equal(value(all, 'perftop_exposition_series_cap'), 3);
	assert.equal(value(all, 'perftop_exposition_series_dropped', {metric: 'perftop_hook_duration_seconds'}), 2);
	assert.equal(value(all, 'perftop_exposition_series_dropped', {metric: 'perftop_operation_duration_seconds'}), 1);
	assert.equal(value(all, 'perftop_exposition_series_dropped', {metric: 'perftop_plugin_loaded'}), 0);
});

test('both formats: OpenMetrics names counter families without _total, knows info, ends with # EOF; text 0.0.4 does not', () => {
	const monitor = quietMonitor();
	monitor.record('quote', 1, {plugin: 'pricing', kind: 'hook', error: true});
	const cache = monitor.createCache<string, {v: number}>('users', {max: 2});
	cache.get('a');
	cache.set('a', {v: 1});
	cache.get('a');
	cache.set('b', {v: 2});
	cache.set('c', {v: 3});
	const om = monitor.metricsText('openmetrics');
	const text = monitor.metricsText('prometheus');
	assert.ok(om.endsWith('# EOF\n'));
	assert.equal(om.split('# EOF').length, 2);
	assert.ok(!text.includes('# EOF'));
	assert.match(om, /^# TYPE perftop_hook_errors counter$/m);
	assert.match(text, /^# TYPE perftop_hook_errors_total counter$/m);
	assert.match(om, /^# TYPE nodejs_version info$/m);
	assert.match(text, /^# TYPE nodejs_version_info gauge$/m);
	assert.match(om, /^# TYPE process_cpu_seconds counter$/m);
	for (const format of [om, text]) {
		const all = samples(format);
		assert.equal(value(all, 'perftop_hook_errors_total', {plugin: 'pricing', hook: 'quote'}), 1);
		assert.equal(value(all, 'perftop_cache_requests_total', {cache: 'users', result: 'hit'}), 1);
		assert.equal(value(all, 'perftop_cache_requests_total', {cache: 'users', result: 'miss'}), 1);
		assert.equal(value(all, 'perftop_cache_evictions_total', {cache: 'users'}), 1);
		assert.equal(value(all, 'perftop_cache_entries', {cache: 'users'}), 2);
		assert.ok(value(all, 'process_cpu_seconds_total') > 0);
		// Same samples in both formats.
	}
	assert.deepEqual(samples(om).map(sample => sample.name), samples(text).map(sample => sample.name));
	// Every family is declared once and its samples are together.
	for (const body of [om, text]) {
		const types = body.split('\n').filter(line => line.startsWith('# TYPE ')).map(line => line.split(' ')[2]);
		assert.equal(new Set(types).size, types.length, 'no family declared twice');
	}
});

test('runtime metrics come under prom-client\'s names from the monitor\'s samples; alerts by rule, 0 when inactive', () => {
	const input: ExpositionInput = {
		series: [],
		process: {
			sampledAt: 0,
			uptimeS: 1,
			rss: 1000,
			heapUsed: 200,
			heapTotal: 400,
			external: 10,
			arrayBuffers: 5,
			cpuPercent: 1,
			eventLoop: {p50Ms: 1, p99Ms: 12.5, maxMs: 40, utilization: 0.25},
			gc: {byKind: {minor: {count: 3, pauseMs: 1.5}, major: {count: 1, pauseMs: 4}}, heapAfterLastMajor: null},
			baselineRss: null,
			budgetRss: null,
			rssHistory: [],
		},
		alerts: [{id: 'cpu:process', rule: 'cpu', subject: 'process', message: 'hot', value: 1, threshold: 0.8, since: 0, state: 'active', resolvedAt: null}],
		alertRules: ['cpu', 'memory-budget'],
	};
	const all = samples(renderExposition(input, resolveExposition(), 'prometheus'));
	assert.equal(value(all, 'process_resident_memory_bytes'), 1000);
	assert.equal(value(all, 'nodejs_heap_size_used_bytes'), 200);
	assert.equal(value(all, 'nodejs_heap_size_total_bytes'), 400);
	assert.equal(value(all, 'nodejs_eventloop_lag_p99_seconds'), 0.0125);
	assert.equal(value(all, 'nodejs_gc_duration_seconds_count', {kind: 'minor'}), 3);
	assert.equal(value(all, 'nodejs_gc_duration_seconds_sum', {kind: 'major'}), 0.004);
	assert.equal(value(all, 'nodejs_gc_duration_seconds_bucket', {kind: 'minor', le: '+Inf'}), 3);
	assert.equal(value(all, 'perftop_alert_active', {rule: 'cpu'}), 1);
	assert.equal(value(all, 'perftop_alert_active', {rule: 'memory-budget'}), 0);
	assert.equal(find(all, 'process_cpu_seconds_total').length, 0, 'no CPU counter without a CPU reading');
});

test('an export read over the socket renders the same series as the host', () => {
	const monitor = quietMonitor();
	for (let index = 0; index < 300; index++) monitor.record('quote', 0.01 + index * 0.37, {plugin: 'pricing', kind: 'hook'});
	monitor.record('checkout', 12);
	const data = JSON.parse(JSON.stringify(monitor.exportData())) as ReturnType<PerformanceMonitor['exportData']>;
	const fromExport = renderExposition({series: data.series.map(exportedSeries)}, resolveExposition(), 'openmetrics');
	const fromHost = samples(monitor.metricsText('openmetrics')).filter(sample => sample.name.startsWith('perftop_hook_') || sample.name.startsWith('perftop_operation_'));
	assert.deepEqual(samples(fromExport).filter(sample => sample.name.startsWith('perftop_hook_') || sample.name.startsWith('perftop_operation_')), fromHost);
});

test('content negotiation: OpenMetrics only when the Accept header asks for it', () => {
	assert.equal(negotiateFormat(undefined), 'prometheus');
	assert.equal(negotiateFormat('*/*'), 'prometheus');
	assert.equal(negotiateFormat('text/plain;version=0.0.4'), 'prometheus');
	assert.equal(negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'), 'openmetrics');
	assert.equal(negotiateFormat('application/openmetrics-text; q=0'), 'prometheus');
	assert.equal(negotiateFormat('text/plain, application/openmetrics-text;q=0.5'), 'prometheus');
});
