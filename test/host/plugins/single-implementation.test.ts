/**
 * A hook with one implementation takes a shorter path (no loop, no Promise.all), attached or not. Callers
 * must not be able to tell: same values, same error objects, and the same number of microtask ticks as the
 * general path's references (Promise.all for parallel calls, an async loop for sequential ones).
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {PerformanceMonitor} from '../../../source/host/monitor/monitor.js';
import {PluginManager} from '../../../source/host/plugins/manager.js';

const problem = new Error('threw');
const reason = new Error('rejected');
const implementations: Record<string, () => unknown> = {
	'a native promise': () => Promise.resolve(1),
	'an async function': async () => 1,
	'a plain value': () => 1,
	'a sync throw': () => {
		throw problem;
	},
	'a rejection': () => Promise.reject(reason),
	'a thenable': () => ({
		then(resolve: (value: number) => void) {
			resolve(1);
		},
	}),
};

/** What the call gives (value or error) and after how many microtask ticks the caller's await resumes. */
async function observe(call: () => Promise<unknown>): Promise<{outcome: unknown; ticks: number}> {
	let ticks = 0;
	let counting = true;
	const count = () => {
		if (!counting) return;
		ticks++;
		queueMicrotask(count);
	};
	queueMicrotask(count);
	let outcome: unknown;
	try {
		outcome = {value: await call()};
	} catch (error) {
		outcome = {error};
	}
	counting = false;
	return {outcome, ticks};
}

const references = {
	callHookParallel: (fn: () => unknown) => () => {
		let pending: unknown;
		try {
			pending = fn();
		} catch (error) {
			pending = Promise.reject(error);
		}
		return Promise.all([pending]);
	},
	callHookSeries: (fn: () => unknown) => async () => [await fn()],
};

for (const method of ['callHookParallel', 'callHookSeries'] as const) {
	describe(`${method} with one implementation`, () => {
		for (const [name, fn] of Object.entries(implementations)) {
			test(`${name}: same outcome and ticks as the general path, with and without a monitor`, async () => {
				const expected = await observe(references[method](fn));
				for (const attached of [false, true]) {
					const manager = new PluginManager();
					await manager.register({name: 'p', hooks: {h: fn}});
					const monitor = new PerformanceMonitor({samplers: false, alerts: false});
					if (attached) manager.attach(monitor);
					assert.deepEqual(await observe(() => manager[method]('h')), expected, attached ? 'attached' : 'never attached');
					if (attached) assert.equal(monitor.getPluginPerformance('p')?.calls.count, 1);
				}
			});
		}
	});
}
