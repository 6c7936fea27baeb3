/**
 * One table of hook-call behaviours, run three ways: without a monitor, with a monitor attached, and after
 * the monitor was detached. Every case must observe exactly the same thing in all three; with the monitor
 * attached, the per-(hook, plugin) series must also show who was called and who threw.
 */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {dirname, join} from 'node:path';
import {describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {PerformanceMonitor, PluginManager, type HookFunction, type Plugin} from '../../../source/index.js';

type Mode = 'no monitor' | 'monitor attached' | 'after detach';
const MODES: Mode[] = ['no monitor', 'monitor attached', 'after detach'];

interface Case {
	name: string;
	/** Builds the plugins; `log` collects what the implementations saw, in order. */
	plugins(log: string[]): Plugin[];
	/** Calls the manager and returns what the caller observes (compared across modes). */
	run(manager: PluginManager, log: string[]): Promise<unknown>;
	expected: unknown;
	/** Expected (count, errors) of each plugin's series for hook `h`, checked while the monitor is attached. */
	series?: Record<string, [count: number, errors: number]>;
}

const plugin = (name: string, h: HookFunction): Plugin => ({name, hooks: {h}});
const tick = () => new Promise<void>(resolve => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

const cases: Case[] = [
	{
		name: 'callHook returns every result in registration order',
		plugins: () => ['a', 'b', 'c'].map(name => plugin(name, (x: number) => `${name}:${x}`)),
		run: async manager => manager.callHook('h', 7),
		expected: ['a:7', 'b:7', 'c:7'],
		series: {a: [1, 0], b: [1, 0], c: [1, 0]},
	},
	{
		name: 'callHook of a hook nobody implements returns a new empty array each time',
		plugins: () => [plugin('a', () => 1)],
		run: async manager => {
			const first = manager.callHook('missing');
			first.push('mutated');
			return [first.length, manager.callHook('missing')];
		},
		expected: [1, []],
		series: {a: [0, 0]},
	},
	{
		name: 'arguments arrive unchanged, with their count, and without a this',
		plugins: () => [
			plugin('a', function (this: unknown, ...args: unknown[]) {
				return {count: args.length, args, self: this === undefined};
			}),
		],
		run: async manager => [manager.callHook('h'), manager.callHook('h', 1, 'two', null, undefined, {five: 5})],
		expected: [[{count: 0, args: [], self: true}], [{count: 5, args: [1, 'two', null, undefined, {five: 5}], self: true}]],
		series: {a: [2, 0]},
	},
	{
		name: 'callHookFirst returns the first result that is not undefined (null counts) and stops there',
		plugins: log => [
			plugin('a', () => void log.push('a')),
			plugin('b', () => (log.push('b'), null)),
			plugin('c', () => (log.push('c'), 'c')),
		],
		run: async (manager, log) => [manager.callHookFirst('h'), log],
		expected: [null, ['a', 'b']],
		series: {a: [1, 0], b: [1, 0], c: [0, 0]},
	},
	{
		name: 'callHookFirst returns undefined after calling everyone when nobody answers',
		plugins: log => ['a', 'b'].map(name => plugin(name, () => void log.push(name))),
		run: async (manager, log) => [manager.callHookFirst('h'), manager.callHookFirst('missing'), log],
		expected: [undefined, undefined, ['a', 'b']],
		series: {a: [1, 0], b: [1, 0]},
	},
	{
		name: 'a synchronous throw propagates as the same object and stops the loop',
		plugins: log => {
			const failure = new RangeError('b broke');
			return [
				plugin('a', () => void log.push('a')),
				plugin('b', () => {
					log.push('b');
					throw failure;
				}),
				plugin('c', () => void log.push('c')),
				{name: 'failure', hooks: {get: () => failure}},
			];
		},
		run: async (manager, log) => {
			const failure = manager.callHook('get')[0];
			let caught: unknown;
			try {
				manager.callHook('h');
			} catch (error) {
				caught = error;
			}
			let caughtFirst: unknown;
			try {
				manager.callHookFirst('h');
			} catch (error) {
				caughtFirst = error;
			}
			return {same: caught === failure && caughtFirst === failure, log};
		},
		expected: {same: true, log: ['a', 'b', 'a', 'b']},
		series: {a: [2, 0], b: [2, 2], c: [0, 0]},
	},
	{
		name: 'callHook puts a returned promise into the results as the same object',
		plugins: () => {
			const promise = Promise.resolve('later');
			return [plugin('a', () => promise), {name: 'promise', hooks: {get: () => promise}}];
		},
		run: async manager => {
			const [result] = manager.callHook('h');
			return [result === manager.callHook('get')[0], await result];
		},
		expected: [true, 'later'],
		series: {a: [1, 0]},
	},
	{
		name: 'callHookSeries awaits each implementation before starting the next',
		plugins: log =>
			['a', 'b', 'c'].map(name =>
				plugin(name, async (x: number) => {
					log.push(`${name} start`);
					await tick();
					log.push(`${name} end`);
					return `${name}${x}`;
				}),
			),
		run: async (manager, log) => [await manager.callHookSeries('h', 1), log],
		expected: [['a1', 'b1', 'c1'], ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']],
		series: {a: [1, 0], b: [1, 0], c: [1, 0]},
	},
	{
		name: 'callHookSeries mixes sync and async implementations and resolves with settled values',
		plugins: () => [plugin('a', () => 1), plugin('b', async () => 2), plugin('c', () => Promise.resolve(3))],
		run: async manager => [await manager.callHookSeries('h'), await manager.callHookSeries('missing')],
		expected: [[1, 2, 3], []],
		series: {a: [1, 0], b: [1, 0], c: [1, 0]},
	},
	{
		name: 'an async rejection in a series rejects with the same object and stops the sequence',
		plugins: log => {
			const failure = new Error('b rejected');
			return [
				plugin('a', async () => log.push('a')),
				plugin('b', async () => {
					log.push('b');
					await tick();
					throw failure;
				}),
				plugin('c', async () => log.push('c')),
				{name: 'failure', hooks: {get: () => failure}},
			];
		},
		run: async (manager, log) => {
			const failure = manager.callHook('get')[0];
			const caught = await manager.callHookSeries('h').then(
				() => 'resolved',
				(error: unknown) => error,
			);
			return {same: caught === failure, log};
		},
		expected: {same: true, log: ['a', 'b']},
		series: {a: [1, 0], b: [1, 1], c: [0, 0]},
	},
	{
		name: 'callHookParallel starts everyone before any finishes and keeps registration order in results',
		plugins: log =>
			[
				['a', 30],
				['b', 15],
				['c', 0],
			].map(([name, ms]) =>
				plugin(String(name), async () => {
					log.push(`${name} start`);
					await sleep(Number(ms));
					log.push(`${name} end`);
					return name;
				}),
			),
		run: async (manager, log) => [await manager.callHookParallel('h'), log],
		expected: [['a', 'b', 'c'], ['a start', 'b start', 'c start', 'c end', 'b end', 'a end']],
		series: {a: [1, 0], b: [1, 0], c: [1, 0]},
	},
	{
		name: 'callHookParallel turns a synchronous throw into its rejection and still starts the rest',
		plugins: log => {
			const failure = new TypeError('b threw synchronously');
			return [
				plugin('a', async () => log.push('a')),
				plugin('b', () => {
					log.push('b');
					throw failure;
				}),
				plugin('c', async () => log.push('c')),
				{name: 'failure', hooks: {get: () => failure}},
			];
		},
		run: async (manager, log) => {
			const failure = manager.callHook('get')[0];
			const pending = manager.callHookParallel('h');
			const caught = await pending.then(
				() => 'resolved',
				(error: unknown) => error,
			);
			return {promise: pending instanceof Promise, same: caught === failure, log, empty: await manager.callHookParallel('missing')};
		},
		expected: {promise: true, same: true, log: ['a', 'b', 'c'], empty: []},
		series: {a: [1, 0], b: [1, 1], c: [1, 0]},
	},
	{
		name: 'callHookParallel rejects with the first rejection, as the same object',
		plugins: () => {
			const failure = new Error('c rejected first');
			return [
				plugin('a', async () => {
					await sleep(20);
					throw new Error('a rejected later');
				}),
				plugin('b', async () => 'b'),
				plugin('c', async () => {
					throw failure;
				}),
				{name: 'failure', hooks: {get: () => failure}},
			];
		},
		run: async manager => {
			const failure = manager.callHook('get')[0];
			const caught = await manager.callHookParallel('h').then(
				() => 'resolved',
				(error: unknown) => error,
			);
			await sleep(30);
			return caught === failure;
		},
		expected: true,
		series: {a: [1, 1], b: [1, 0], c: [1, 1]},
	},
	{
		name: "callHookParallel rejects with an earlier implementation's async rejection, not a later synchronous throw",
		plugins: () => {
			const failure = new Error('a rejected');
			return [
				plugin('a', async () => {
					throw failure;
				}),
				plugin('b', () => {
					throw new TypeError('b threw synchronously');
				}),
				{name: 'failure', hooks: {get: () => failure}},
			];
		},
		run: async manager => {
			const failure = manager.callHook('get')[0];
			const caught = await manager.callHookParallel('h').then(
				() => 'resolved',
				(error: unknown) => error,
			);
			return caught === failure;
		},
		expected: true,
		series: {a: [1, 1], b: [1, 1]},
	},
	{
		name: 'callHookSeries and callHookParallel settle thenables and Promise subclasses as await and Promise.all do',
		plugins: log => {
			class Deferred<T> extends Promise<T> {}
			return [
				plugin('thenable', (x: number) => ({
					then(resolve: (value: string) => void) {
						log.push('then');
						resolve(`thenable ${x}`);
					},
				})),
				plugin('subclass', (x: number) => Deferred.resolve(`subclass ${x}`)),
				plugin('plain', (x: number) => ({value: x})),
			];
		},
		run: async (manager, log) => [await manager.callHookSeries('h', 1), await manager.callHookParallel('h', 2), log],
		expected: [
			['thenable 1', 'subclass 1', {value: 1}],
			['thenable 2', 'subclass 2', {value: 2}],
			['then', 'then'],
		],
		series: {thenable: [2, 0], subclass: [2, 0], plain: [2, 0]},
	},
];

async function setUp(mode: Mode, plugins: Plugin[]): Promise<{manager: PluginManager; monitor: PerformanceMonitor | null}> {
	const manager = new PluginManager();
	for (const candidate of plugins) {
		const result = await manager.register(candidate);
		assert.ok(result.ok, `registering ${candidate.name}`);
	}
	if (mode === 'no monitor') return {manager, monitor: null};
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	const detach = manager.attach(monitor);
	for (const candidate of plugins) {
		const h = candidate.hooks['h'];
		if (h === undefined) continue;
		const index = manager.pluginsFor('h').indexOf(candidate.name);
		// Attached, the manager calls wrappers; detached, the very same raw functions again.
		if (mode === 'monitor attached') assert.notEqual(manager.implementations('h')[index], h);
	}
	if (mode === 'after detach') detach();
	return {manager, monitor};
}

function seriesOf(monitor: PerformanceMonitor, pluginName: string): [number, number] {
	const series = monitor.getPluginPerformance(pluginName)?.hooks.find(hook => hook.op === 'h');
	return [series?.count ?? 0, series?.errors ?? 0];
}

for (const mode of MODES) {
	describe(`hook calls, ${mode}`, () => {
		for (const entry of cases) {
			test(entry.name, async () => {
				const log: string[] = [];
				const plugins = entry.plugins(log);
				const {manager, monitor} = await setUp(mode, plugins);
				const observed = await entry.run(manager, log);
				assert.deepEqual(observed, entry.expected);
				if (monitor && entry.series) {
					for (const [name, expected] of Object.entries(entry.series)) {
						const recorded = seriesOf(monitor, name);
						if (mode === 'monitor attached') assert.deepEqual(recorded, expected, `series (h, ${name})`);
						else assert.deepEqual(recorded, [0, 0], `nothing recorded for ${name} after detach`);
					}
				}
			});
		}
	});
}

describe('an ignored rejection from callHook', () => {
	// Unhandled rejections fail node:test tests, so they are counted in a child process.
	const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'plugins');
	let counts: Promise<{plain: number; monitored: number}> | null = null;
	const run = () =>
		(counts ??= promisify(execFile)(process.execPath, ['--import', 'tsx', join(fixtures, 'unhandled.mjs')], {cwd: join(fixtures, '..', '..', '..')}).then(
			({stdout}) => JSON.parse(stdout) as {plain: number; monitored: number},
		));

	test('is an unhandled rejection without a monitor', async () => {
		assert.equal((await run()).plain, 1);
	});

	test('is an unhandled rejection with a monitor attached too', async () => {
		assert.equal((await run()).monitored, 1);
	});
});
