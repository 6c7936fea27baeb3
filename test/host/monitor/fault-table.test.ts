/**
 * The host's calls behave the same with and without perftop, whatever goes wrong inside the monitor.
 * One table of host functions is run raw (no perftop) and wrapped under every fault condition; the
 * outcomes (returned value, thrown object, resolved value, rejection reason) must be identical.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {PerformanceMonitor, type MonitorOptions} from '../../../source/host/monitor/monitor.js';

const RESULT = {rows: [1, 2, 3]};
const PROBLEM = new Error('host failure');
const ODD_PROBLEM = {code: 'E_ODD'};

/** Host functions, each with how it is called. */
const hostCalls: Array<{name: string; fn: (...args: any[]) => any; call: (fn: (...args: any[]) => any) => unknown}> = [
	{name: 'sync value', fn: () => RESULT, call: fn => fn()},
	{name: 'sync undefined', fn: () => undefined, call: fn => fn()},
	{name: 'sync throw', fn: () => {
		throw PROBLEM;
	}, call: fn => fn()},
	{name: 'sync throw of a non-error', fn: () => {
		throw ODD_PROBLEM;
	}, call: fn => fn()},
	{name: 'this and arguments', fn: function (this: {base: number}, a: number, b: number) {
		return this.base + a + b;
	}, call: fn => fn.call({base: 100}, 20, 3)},
	{name: 'async value', fn: async () => RESULT, call: fn => fn()},
	{name: 'async value after a wait', fn: async () => {
		await new Promise(resolve => setTimeout(resolve, 2));
		return RESULT;
	}, call: fn => fn()},
	{name: 'async rejection', fn: async () => {
		throw PROBLEM;
	}, call: fn => fn()},
	{name: 'returned rejected promise', fn: () => Promise.reject(PROBLEM), call: fn => fn()},
	{name: 'returned resolved promise', fn: () => Promise.resolve(RESULT), call: fn => fn()},
];

type Outcome = {kind: 'return' | 'throw' | 'resolve' | 'reject'; value: unknown};

async function outcomeOf(run: () => unknown): Promise<Outcome> {
	let returned: unknown;
	try {
		returned = run();
	} catch (error) {
		return {kind: 'throw', value: error};
	}
	if (returned instanceof Promise) {
		try {
			return {kind: 'resolve', value: await returned};
		} catch (error) {
			return {kind: 'reject', value: error};
		}
	}
	return {kind: 'return', value: returned};
}

interface Condition {
	name: string;
	options: () => MonitorOptions;
	/** Breaks the monitor after the wrap (e.g. makes recording throw). */
	sabotage?: (monitor: PerformanceMonitor) => void;
	/** Fault kinds that must have been counted. */
	expectFaults?: string[];
}

const thrower = () => {
	throw new Error('callback bug');
};

let backwards = 10n ** 12n;
let brokenReads = 0;

const conditions: Condition[] = [
	{name: 'a healthy monitor', options: () => ({})},
	{
		name: 'recording that throws',
		options: () => ({}),
		sabotage: monitor => {
			for (const series of monitor.registry.all()) {
				series.record = thrower;
				series.recordError = thrower;
			}
		},
		expectFaults: ['record'],
	},
	{name: 'a clock that goes backwards', options: () => ({clock: () => (backwards -= 1000n)}), expectFaults: ['invalid-duration']},
	{
		name: 'a clock that throws every other read',
		options: () => ({
			clock: () => {
				if (++brokenReads % 2 === 0) throw new Error('clock broke');
				return BigInt(brokenReads) * 1000n;
			},
		}),
		expectFaults: ['clock'],
	},
	{name: 'a clock that returns NaN', options: () => ({clock: () => Number.NaN as unknown as bigint}), expectFaults: ['clock']},
	{name: 'a clock that returns Infinity', options: () => ({clock: () => Infinity as unknown as bigint}), expectFaults: ['clock']},
	{
		name: 'every call slow, with throwing slow-event listener, onFault and onAlert',
		options: () => ({thresholds: {responseTime: 0}, onFault: thrower, onAlert: thrower}),
		sabotage: monitor => {
			monitor.events.on(thrower);
			// A plugin load over the 2 s threshold raises an alert, which goes to the throwing onAlert.
			monitor.recordPluginLoad({name: 'table', source: null, state: 'loaded', loadMs: 5000, loadBytes: null, loadMemoryMode: null, error: null});
		},
		expectFaults: ['event-listener', 'alert-callback'],
	},
];

describe('fault table: host calls behave the same with and without perftop', () => {
	for (const condition of conditions) {
		test(`under ${condition.name}`, async () => {
			const monitor = new PerformanceMonitor({samplers: false, onFault: () => {}, ...condition.options()});
			const cases = hostCalls.map(entry => ({...entry, wrapped: monitor.wrap(entry.fn, {op: entry.name, plugin: 'table', kind: 'hook'})}));
			condition.sabotage?.(monitor);
			for (const entry of cases) {
				const raw = await outcomeOf(() => entry.call(entry.fn));
				const monitored = await outcomeOf(() => entry.call(entry.wrapped));
				assert.equal(monitored.kind, raw.kind, `${entry.name}: same kind of outcome`);
				assert.ok(monitored.value === raw.value || (typeof raw.value === 'number' && monitored.value === raw.value), `${entry.name}: same value or same thrown object`);
				const once = await outcomeOf(() => monitor.time(entry.name, () => entry.call(entry.fn), {plugin: 'timed'}));
				assert.equal(once.kind, raw.kind, `${entry.name} via time(): same kind of outcome`);
				assert.equal(once.value, raw.value, `${entry.name} via time(): same value`);
			}
			await new Promise(resolve => setImmediate(resolve));
			// Externally measured durations that make no sense are contained too.
			for (const ms of [Number.NaN, -1, Infinity, -Infinity]) assert.doesNotThrow(() => monitor.record('external', ms));
			for (const kind of condition.expectFaults ?? []) assert.ok((monitor.faults.byKind()[kind] ?? 0) > 0, `fault '${kind}' counted (${JSON.stringify(monitor.faults.byKind())})`);
			// The monitor still summarizes, as plain data.
			const summary = monitor.getPerformanceSummary();
			assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
			const table = monitor.getPluginPerformance('table');
			assert.ok(table, 'the plugin is known');
			if (!condition.sabotage || condition.name.startsWith('every call slow')) assert.equal(table.calls.count, hostCalls.length);
		});
	}

	test('slow calls are reported as events while a throwing listener is contained', () => {
		let now = 0n;
		const monitor = new PerformanceMonitor({samplers: false, onFault: () => {}, clock: () => now, thresholds: {responseTime: 5}});
		const events: string[] = [];
		monitor.events.on(thrower);
		monitor.events.on(event => events.push(event.kind));
		const slow = monitor.wrap(() => {
			now += 6_000_000n;
			return 'done';
		}, {op: 'slow'});
		assert.equal(slow(), 'done');
		assert.deepEqual(events, ['call.slow']);
		assert.equal(monitor.faults.byKind()['event-listener'], 1);
	});
});
