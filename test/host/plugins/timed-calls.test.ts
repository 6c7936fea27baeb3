/**
 * Sequential and parallel hook calls with a monitor attached time the implementations themselves: what
 * they record (settlement time for promises, sync time for everything else, errors per plugin), that
 * callers see the same values, errors and microtask ticks as without a monitor, and that a failing monitor
 * never reaches the caller.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {PerformanceMonitor, PluginManager, type HookFunction, type MonitorOptions, type Plugin} from '../../../source/index.js';

/** A clock that moves only when told to, in ns. */
function manualClock() {
	let now = 1_000_000n;
	return {
		clock: () => now,
		advance(ns: number) {
			now += BigInt(ns);
		},
	};
}

const plugin = (name: string, h: HookFunction): Plugin => ({name, hooks: {h}});
const macrotask = () => new Promise<void>(resolve => setImmediate(resolve));

async function managerWith(plugins: Plugin[], monitor: PerformanceMonitor | null): Promise<PluginManager> {
	const manager = new PluginManager();
	for (const candidate of plugins) assert.ok((await manager.register(candidate)).ok);
	if (monitor) manager.attach(monitor);
	return manager;
}

const newMonitor = (options: MonitorOptions = {}) => new PerformanceMonitor({samplers: false, alerts: false, ...options});

function recorded(monitor: PerformanceMonitor, name: string): {count: number; errors: number; sumNs: number} {
	const {count, errors, sumNs} = monitor.series('h', name, 'hook');
	return {count, errors, sumNs};
}

/** Microtask ticks until `promise` settles, and how it settled. */
async function ticksUntil(promise: Promise<unknown>): Promise<{ticks: number; outcome: unknown}> {
	let outcome: unknown = 'pending';
	promise.then(
		value => (outcome = {value}),
		(reason: unknown) => (outcome = {reason}),
	);
	let ticks = 0;
	while (outcome === 'pending' && ticks < 100) {
		await null;
		ticks++;
	}
	return {ticks, outcome};
}

describe('durations recorded by sequential and parallel calls', () => {
	/**
	 * `slow` settles 5000 ns after it started (across a macrotask); `quick` returns a plain value after 300 ns and
	 * queues a microtask that moves the clock by 1 ms, which a recording taken after an await would include.
	 */
	const plugins = (advance: (ns: number) => void) => [
		plugin('slow', async () => {
			advance(2000);
			await macrotask();
			advance(3000);
			return 'slow';
		}),
		plugin('quick', () => {
			queueMicrotask(() => advance(1_000_000));
			advance(300);
			return 'quick';
		}),
	];

	test('callHookSeries: a promise is timed to its settlement, a plain value when it is returned', async () => {
		const {clock, advance} = manualClock();
		const monitor = newMonitor({clock});
		const manager = await managerWith(plugins(advance), monitor);
		assert.deepEqual(await manager.callHookSeries('h'), ['slow', 'quick']);
		assert.deepEqual(recorded(monitor, 'slow'), {count: 1, errors: 0, sumNs: 5000});
		assert.deepEqual(recorded(monitor, 'quick'), {count: 1, errors: 0, sumNs: 300});
	});

	test('callHookParallel: the same, with every implementation started before any settles', async () => {
		const {clock, advance} = manualClock();
		const monitor = newMonitor({clock});
		const manager = await managerWith(plugins(advance), monitor);
		assert.deepEqual(await manager.callHookParallel('h'), ['slow', 'quick']);
		// `slow` was running while `quick` ran and while the queued microtask moved the clock.
		assert.deepEqual(recorded(monitor, 'slow'), {count: 1, errors: 0, sumNs: 2000 + 300 + 1_000_000 + 3000});
		assert.deepEqual(recorded(monitor, 'quick'), {count: 1, errors: 0, sumNs: 300});
	});

	test('throws and rejections are errors of the plugin whose implementation failed', async () => {
		const monitor = newMonitor();
		const failure = new Error('rejected');
		const manager = await managerWith(
			[
				plugin('fine', async () => 'fine'),
				plugin('rejects', async () => {
					throw failure;
				}),
				plugin('throws', () => {
					throw new TypeError('thrown');
				}),
			],
			monitor,
		);
		await assert.rejects(manager.callHookParallel('h'), error => error === failure);
		await assert.rejects(manager.callHookSeries('h'), error => error === failure);
		assert.deepEqual([recorded(monitor, 'fine').count, recorded(monitor, 'fine').errors], [2, 0]);
		assert.deepEqual([recorded(monitor, 'rejects').count, recorded(monitor, 'rejects').errors], [2, 2]);
		assert.deepEqual([recorded(monitor, 'throws').count, recorded(monitor, 'throws').errors], [1, 1], 'the sequence stopped before it');
	});

	test('a thenable that is not a promise is timed as a sync call; its then runs once, as without a monitor', async () => {
		const {clock, advance} = manualClock();
		for (const monitor of [null, newMonitor({clock})]) {
			let thens = 0;
			const thenable = {
				then(resolve: (value: string) => void) {
					thens++;
					advance(9000);
					resolve('lazy');
				},
			};
			const manager = await managerWith(
				[
					plugin('lazy', () => {
						advance(40);
						return thenable;
					}),
				],
				monitor,
			);
			assert.deepEqual(await manager.callHookSeries('h'), ['lazy']);
			assert.deepEqual(await manager.callHookParallel('h'), ['lazy']);
			assert.equal(thens, 2);
			if (monitor) assert.deepEqual(recorded(monitor, 'lazy'), {count: 2, errors: 0, sumNs: 80});
		}
	});

	test('a plugin registered while attached is timed; after detach nothing is recorded', async () => {
		const monitor = newMonitor();
		const manager = new PluginManager();
		const detach = manager.attach(monitor);
		await manager.register(plugin('late', async () => 'late'));
		assert.deepEqual(await manager.callHookParallel('h'), ['late']);
		assert.deepEqual(await manager.callHookSeries('h'), ['late']);
		assert.equal(recorded(monitor, 'late').count, 2);
		detach();
		assert.deepEqual(await manager.callHookParallel('h'), ['late']);
		assert.deepEqual(await manager.callHookSeries('h'), ['late']);
		assert.equal(recorded(monitor, 'late').count, 2);
		await manager.unregister('late');
		assert.deepEqual(await manager.callHookParallel('h'), []);
	});

	test('a disabled monitor records nothing and the calls behave as without one', async () => {
		const monitor = newMonitor({enabled: false});
		const manager = await managerWith([plugin('a', async (x: number) => x + 1), plugin('b', (x: number) => x * 2)], monitor);
		assert.deepEqual(await manager.callHookParallel('h', 4), [5, 8]);
		assert.deepEqual(await manager.callHookSeries('h', 4), [5, 8]);
		assert.equal(recorded(monitor, 'a').count, 0);
		assert.equal(recorded(monitor, 'b').count, 0);
	});
});

describe('a monitor that fails never reaches the caller', () => {
	test('a series whose record throws: same results and errors, the fault reported', async () => {
		const faults: string[] = [];
		const monitor = newMonitor({onFault: kind => faults.push(kind)});
		const failure = new Error('plugin failure');
		const manager = await managerWith([plugin('ok', async () => 'ok'), plugin('sync', () => 'sync'), plugin('bad', async () => Promise.reject(failure))], monitor);
		for (const name of ['ok', 'sync', 'bad']) {
			const series = monitor.series('h', name, 'hook');
			series.record = () => {
				throw new Error('recording bug');
			};
			series.recordError = series.record;
		}
		await assert.rejects(manager.callHookParallel('h'), error => error === failure);
		await assert.rejects(manager.callHookSeries('h'), error => error === failure);
		await manager.unregister('bad');
		assert.deepEqual(await manager.callHookParallel('h'), ['ok', 'sync']);
		assert.deepEqual(await manager.callHookSeries('h'), ['ok', 'sync']);
		assert.deepEqual(faults, ['record']);
		assert.ok(monitor.faults.count >= 8, 'every failed record is counted');
	});

	test('an implementation the monitor cannot wrap is called untimed; the others are still timed', async () => {
		const faults: string[] = [];
		class PickyMonitor extends PerformanceMonitor {
			override wrap<F extends (...args: never[]) => unknown>(fn: F, options: {op: string; plugin?: string}): F {
				if (options.plugin === 'odd') throw new Error('cannot wrap this one');
				return super.wrap(fn, options as Parameters<PerformanceMonitor['wrap']>[1]);
			}
		}
		const monitor = new PickyMonitor({samplers: false, alerts: false, onFault: kind => faults.push(kind)});
		const manager = await managerWith([plugin('even', async (x: number) => x), plugin('odd', async (x: number) => x + 1)], monitor);
		assert.deepEqual(await manager.callHookParallel('h', 1), [1, 2]);
		assert.deepEqual(await manager.callHookSeries('h', 1), [1, 2]);
		assert.equal(recorded(monitor, 'even').count, 2);
		assert.equal(recorded(monitor, 'odd').count, 0);
		assert.deepEqual(faults, ['plugin-wrap']);
	});
});

describe('callers see the same microtask ticks with and without a monitor', () => {
	const shapes: Array<[string, () => Plugin[]]> = [
		['one async implementation', () => [plugin('a', async () => 1)]],
		['async, sync and promise-returning implementations', () => [plugin('a', async () => 1), plugin('b', () => 2), plugin('c', () => Promise.resolve(3))]],
		['a rejection after a value', () => [plugin('a', async () => 1), plugin('b', async () => Promise.reject(new Error('no')))]],
		['a synchronous throw after an already rejected promise', () => [plugin('a', () => Promise.reject(new Error('first'))), plugin('b', () => {
			throw new Error('second');
		})]],
		['a promise settling after other async work', () => [plugin('a', async () => {
			await null;
			await null;
			return 'late';
		}), plugin('b', async () => 'early')]],
	];
	for (const [name, make] of shapes) {
		test(name, async () => {
			const plain = await managerWith(make(), null);
			const monitored = await managerWith(make(), newMonitor());
			const describe = ({ticks, outcome}: {ticks: number; outcome: unknown}) => ({ticks, outcome: outcome instanceof Object && 'reason' in outcome ? String((outcome as {reason: unknown}).reason) : outcome});
			assert.deepEqual(describe(await ticksUntil(monitored.callHookParallel('h'))), describe(await ticksUntil(plain.callHookParallel('h'))), 'callHookParallel');
			assert.deepEqual(describe(await ticksUntil(monitored.callHookSeries('h'))), describe(await ticksUntil(plain.callHookSeries('h'))), 'callHookSeries');
		});
	}
});
