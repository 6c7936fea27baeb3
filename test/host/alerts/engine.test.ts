import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {AlertEngine, type AlertOptions} from '../../../source/host/alerts/engine.js';
import {HostEvents} from '../../../source/host/monitor/events.js';
import {Faults} from '../../../source/host/faults/faults.js';
import {resolveThresholds, type PerformanceThresholds} from '../../../source/host/alerts/thresholds.js';
import type {AlertData} from '../../../source/protocol/snapshot.js';
import {MB, input, plugin, processSection, series} from './inputs.js';

function setup(options: AlertOptions = {}, thresholds: Partial<PerformanceThresholds> = {}) {
	const reported: string[] = [];
	const faults = new Faults(kind => reported.push(kind));
	const events = new HostEvents(faults);
	const emitted: AlertData[] = [];
	events.on(event => {
		if (event.kind === 'alert') emitted.push(event.alert);
	});
	const callbacks: AlertData[] = [];
	const engine = new AlertEngine(resolveThresholds(thresholds), {onAlert: alert => callbacks.push(alert), ...options}, events, faults);
	return {engine, emitted, callbacks, faults, reported};
}

/** Feeds one process sample per second starting at `start`, with the RSS values given (MB). */
function feedRss(engine: AlertEngine, start: number, values: number[], baseline = 100): number {
	let at = start;
	for (const rss of values) {
		engine.evaluate(input(at, {process: processSection(at, {rss: rss * MB, baselineRss: baseline * MB})}));
		at += 1000;
	}
	return at;
}

describe('alert engine: memory budget', () => {
	it('stays quiet while warming up (no baseline yet)', () => {
		const {engine, emitted} = setup();
		for (let at = 0; at < 10_000; at += 1000) engine.evaluate(input(at, {process: processSection(at, {rss: 500 * MB, baselineRss: null})}));
		assert.deepEqual(engine.active(), []);
		assert.equal(emitted.length, 0);
	});

	it('raises once RSS stays above baseline x 1.2 for three samples', () => {
		const {engine, emitted, callbacks} = setup();
		feedRss(engine, 0, [110, 130, 125]);
		assert.equal(engine.active().length, 0, 'two samples over the budget are not enough');
		feedRss(engine, 3000, [126]);
		const [alert] = engine.active();
		assert.ok(alert);
		assert.equal(alert.id, 'memory-budget:process');
		assert.equal(alert.rule, 'memory-budget');
		assert.equal(alert.subject, 'process');
		assert.equal(alert.value, 126 * MB);
		assert.equal(alert.threshold, 120 * MB);
		assert.equal(alert.since, 3000);
		assert.equal(alert.state, 'active');
		assert.match(alert.message, /RSS 126\.0 MB is 26 % over the baseline 100\.0 MB/);
		assert.deepEqual(emitted.map(a => a.state), ['active']);
		assert.deepEqual(callbacks, emitted);
	});

	it('counts a sample once, however often the monitor evaluates between samples', () => {
		const {engine} = setup();
		const sample = processSection(1000, {rss: 150 * MB});
		for (let i = 0; i < 10; i++) engine.evaluate(input(1000 + i, {process: sample}));
		assert.equal(engine.active().length, 0);
	});

	it('uses the monitor threshold memoryIncrease for the budget', () => {
		const {engine} = setup({}, {memoryIncrease: 0.5});
		feedRss(engine, 0, [140, 140, 140, 140]);
		assert.equal(engine.active().length, 0);
		feedRss(engine, 4000, [151, 151, 151]);
		assert.equal(engine.active()[0]?.threshold, 150 * MB);
	});

	it('resolves only after RSS falls below the clear level for three samples (hysteresis)', () => {
		const {engine, emitted} = setup({cooldownMs: 0});
		let at = feedRss(engine, 0, [130, 130, 130]);
		assert.equal(engine.active().length, 1);
		// 117 MB is under the 120 MB budget but over the clear level (120 x 0.95 = 114 MB): still active.
		at = feedRss(engine, at, [117, 117, 117, 117, 117]);
		assert.equal(engine.active().length, 1);
		at = feedRss(engine, at, [110, 110]);
		assert.equal(engine.active().length, 1);
		at = feedRss(engine, at, [110]);
		assert.deepEqual(engine.active(), []);
		const resolved = emitted.at(-1);
		assert.equal(resolved?.state, 'resolved');
		assert.equal(resolved?.resolvedAt, at - 1000);
		assert.equal(resolved?.since, 2000);
	});
});

describe('alert engine: cooldown and flapping', () => {
	it('does not raise the same alert again within the cooldown after it resolved', () => {
		const {engine, emitted} = setup({cooldownMs: 60_000, rules: {'memory-budget': {raiseAfter: 1, resolveAfter: 1}}});
		let at = feedRss(engine, 0, [130, 100]);
		assert.deepEqual(emitted.map(a => a.state), ['active', 'resolved']);
		at = feedRss(engine, at, [130, 130, 130]);
		assert.equal(engine.active().length, 0, 'held back by the cooldown');
		assert.deepEqual(engine.suppressed(), {'memory-budget:process': 3});
		feedRss(engine, 61_000, [130]);
		assert.equal(engine.active().length, 1, 'raised again once the cooldown has passed');
		assert.deepEqual(emitted.map(a => a.state), ['active', 'resolved', 'active']);
	});

	it('turns a value flapping every sample for ten minutes into at most one raise per cooldown', () => {
		const {engine, emitted} = setup({cooldownMs: 60_000, rules: {'memory-budget': {raiseAfter: 1, resolveAfter: 1}}});
		const values = Array.from({length: 600}, (_, i) => (i % 2 === 0 ? 130 : 100));
		feedRss(engine, 0, values);
		const raises = emitted.filter(a => a.state === 'active').length;
		assert.ok(raises >= 2, `still alerts (${raises} raises)`);
		assert.ok(raises <= 10, `${raises} raises in 10 minutes with a 1-minute cooldown`);
		assert.ok(emitted.length <= 2 * raises);
	});

	it('does not flap on a value hovering around the threshold, thanks to hysteresis', () => {
		const {engine, emitted} = setup({cooldownMs: 0, rules: {'memory-budget': {raiseAfter: 1, resolveAfter: 1}}});
		feedRss(engine, 0, Array.from({length: 100}, (_, i) => (i % 2 === 0 ? 121 : 119)));
		assert.deepEqual(emitted.map(a => a.state), ['active']);
	});
});

describe('alert engine: rules', () => {
	it('raises plugin load time and load memory alerts at once and resolves them when the plugin is unloaded', () => {
		const {engine} = setup();
		engine.evaluate(input(0, {plugins: [plugin('slow', 2500, 1 * MB), plugin('fat', 100, 80 * MB), plugin('fine', 1999, 49 * MB)]}));
		assert.deepEqual(engine.active().map(a => a.id).sort(), ['plugin-load-memory:fat', 'plugin-load-time:slow']);
		const slow = engine.active().find(a => a.subject === 'slow');
		assert.equal(slow?.value, 2500);
		assert.equal(slow?.threshold, 2000);
		engine.evaluate(input(1000, {plugins: [plugin('slow', 2500, 1 * MB, 'unloaded'), plugin('fat', 100, 80 * MB)]}));
		assert.deepEqual(engine.active().map(a => a.id), ['plugin-load-memory:fat']);
	});

	it('raises a response-time alert on a series whose recent p95 is over the threshold', () => {
		const {engine} = setup();
		engine.evaluate(input(0, {series: [series('query', 'db', 50, 1500), series('render', null, 50, 200), series('rare', null, 2, 5000)]}));
		assert.deepEqual(engine.active().map(a => [a.id, a.value]), [['response-time:db/query', 1500]]);
		engine.evaluate(input(1000, {series: [series('query', 'db', 50, 850)]}));
		assert.deepEqual(engine.active(), [], 'p95 under the clear level (900 ms)');
	});

	it('needs CPU over 80 % of a core for five samples in a row', () => {
		const {engine} = setup();
		const cpu = [90, 95, 92, 70, 90, 90, 90, 90];
		cpu.forEach((cpuPercent, i) => engine.evaluate(input(i * 1000, {process: processSection(i * 1000, {cpuPercent})})));
		assert.equal(engine.active().length, 0, 'the dip to 70 % restarted the count');
		engine.evaluate(input(9000, {process: processSection(9000, {cpuPercent: 91})}));
		assert.deepEqual(engine.active().map(a => [a.id, a.value, a.threshold]), [['cpu:process', 91, 80]]);
	});

	it('raises an event-loop alert when p99 stays over 100 ms', () => {
		const {engine} = setup();
		for (let i = 0; i < 3; i++) engine.evaluate(input(i * 1000, {process: processSection(i * 1000, {eventLoop: {p50Ms: 20, p99Ms: 250, maxMs: 300, utilization: 0.9}})}));
		assert.deepEqual(engine.active().map(a => a.id), ['event-loop-delay:process']);
	});

	it('raises heap growth while the detector says growing and resolves when the heap comes back down', () => {
		const {engine} = setup();
		const growing = {growing: true, rises: 5, sinceAt: 0, fromBytes: 40 * MB, toBytes: 80 * MB};
		engine.evaluate(input(600_000, {process: processSection(600_000, {heapGrowth: growing})}));
		const [alert] = engine.active();
		assert.equal(alert?.id, 'heap-growth:process');
		assert.match(alert?.message ?? '', /rose 5 times in a row over 10\.0 min: 40\.0 MB -> 80\.0 MB/);
		engine.evaluate(input(601_000, {process: processSection(601_000, {heapGrowth: {growing: false, rises: 0, sinceAt: 601_000, fromBytes: 41 * MB, toBytes: 41 * MB}})}));
		assert.deepEqual(engine.active(), []);
	});

	it('honours custom thresholds and disabled rules', () => {
		const {engine} = setup({rules: {'cpu': false}}, {pluginLoadTime: 100, eventLoopDelay: 10});
		for (let i = 0; i < 6; i++) {
			engine.evaluate(input(i * 1000, {process: processSection(i * 1000, {cpuPercent: 400, eventLoop: {p50Ms: 1, p99Ms: 20, maxMs: 30, utilization: 0.5}}), plugins: [plugin('a', 150, null)]}));
		}
		assert.deepEqual(engine.active().map(a => a.id).sort(), ['event-loop-delay:process', 'plugin-load-time:a']);
	});

	it('keeps active alerts while there is no process data, rather than resolving them', () => {
		const {engine} = setup();
		feedRss(engine, 0, [130, 130, 130]);
		engine.evaluate(input(5000, {process: null}));
		assert.equal(engine.active().length, 1);
	});
});

describe('alert engine: delivery', () => {
	it('counts a throwing callback as a fault and still delivers the event', () => {
		const {engine, emitted, reported, faults} = setup({
			onAlert: () => {
				throw new Error('callback bug');
			},
		});
		assert.doesNotThrow(() => engine.evaluate(input(0, {plugins: [plugin('slow', 5000, null), plugin('slower', 6000, null)]})));
		assert.equal(emitted.length, 2);
		assert.deepEqual(reported, ['alert-callback']);
		assert.equal(faults.count, 2);
		assert.equal(engine.active().length, 2);
	});

	it('hands out copies: changing a delivered alert does not change the engine state', () => {
		const {engine, callbacks} = setup();
		engine.evaluate(input(0, {plugins: [plugin('slow', 5000, null)]}));
		callbacks[0]!.state = 'resolved';
		engine.active()[0]!.value = 1;
		assert.equal(engine.active()[0]?.state, 'active');
		assert.equal(engine.active()[0]?.value, 5000);
	});

	it('keeps a bounded history of changes', () => {
		const {engine} = setup({historySize: 3, cooldownMs: 0, rules: {'memory-budget': {raiseAfter: 1, resolveAfter: 1}}});
		feedRss(engine, 0, [130, 100, 130, 100, 130]);
		assert.deepEqual(engine.history().map(a => [a.state, a.since]), [['active', 2000], ['resolved', 2000], ['active', 4000]]);
	});

	it('forgets subjects that vanished so memory follows the live series', () => {
		const {engine} = setup({cooldownMs: 0});
		for (let i = 0; i < 100; i++) engine.evaluate(input(i, {series: [series(`op${i}`, null, 50, 2000)]}));
		assert.deepEqual(engine.active().map(a => a.subject), ['op99'], 'only the series still reported is active');
		assert.ok(engine.tracked <= 2, `${engine.tracked} states kept`);
	});
});
