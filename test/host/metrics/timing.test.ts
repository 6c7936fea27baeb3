import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {describe, test} from 'node:test';
import {Faults} from '../../../source/host/faults/faults.js';
import {Series} from '../../../source/host/metrics/series.js';
import {enter, guardClock, isAsyncFunction, markSelf, recordErrorSince, recordSince, startTimer, timeCall, timed, timingOf, type Clock} from '../../../source/host/metrics/timing.js';

/** A clock that moves only when told to, in ns. */
function manualClock(): {clock: Clock; advance(ns: number): void} {
	let now = 1_000_000n;
	return {
		clock: () => now,
		advance(ns: number) {
			now += BigInt(ns);
		},
	};
}

function faultLog() {
	const kinds: string[] = [];
	return {faults: new Faults(kind => kinds.push(kind)), kinds};
}

const tick = () => new Promise<void>(resolve => setImmediate(resolve));

describe('timed (sync)', () => {
	test('keeps this, arguments and the return value, and records the duration', () => {
		const {clock, advance} = manualClock();
		const series = new Series('sum', null, 'operation', 6);
		const target = {
			base: 10,
			sum(this: {base: number}, ...values: number[]) {
				advance(5000);
				return values.reduce((total, value) => total + value, this.base);
			},
		};
		target.sum = timed(target.sum, series, clock);
		assert.equal(target.sum(1, 2, 3), 16);
		assert.equal(series.count, 1);
		assert.equal(series.sumNs, 5000);
		assert.equal(series.errors, 0);
	});

	test('returns the very same object it was given back', () => {
		const result = {rows: []};
		const series = new Series('get', null, 'operation', 6);
		assert.equal(timed(() => result, series)(), result);
	});

	test('a throw is counted as an error and re-thrown as the same object', () => {
		const {clock, advance} = manualClock();
		const series = new Series('fail', null, 'operation', 6);
		const problem = new Error('boom');
		const wrapped = timed(() => {
			advance(700);
			throw problem;
		}, series, clock);
		assert.throws(wrapped, error => error === problem);
		const thrownString = timed(() => {
			throw 'not an error';
		}, series, clock);
		assert.throws(thrownString, error => error === 'not an error');
		assert.equal(series.count, 2);
		assert.equal(series.errors, 2);
		assert.equal(series.maxNs, 700);
	});

	test('keeps name and length, and works as a constructor-free method on any receiver', () => {
		function lookup(this: unknown, key: string, fallback: number) {
			return [this, key, fallback];
		}
		const wrapped = timed(lookup, new Series('lookup', null, 'operation', 6));
		assert.equal(wrapped.name, 'lookup');
		assert.equal(wrapped.length, 2);
		const receiver = {};
		assert.deepEqual(wrapped.call(receiver, 'k', 1), [receiver, 'k', 1]);
	});

	test('a non-native thenable is returned untouched: its then() is never called', () => {
		let thenCalls = 0;
		const lazy = {
			then(resolve: (value: number) => void) {
				thenCalls++;
				resolve(1);
			},
		};
		const series = new Series('build', null, 'operation', 6);
		assert.equal(timed(() => lazy, series)(), lazy);
		assert.equal(thenCalls, 0);
		assert.equal(series.count, 1);
	});
});

describe('timed (async)', () => {
	test('detects async functions at wrap time', () => {
		assert.equal(isAsyncFunction(async () => 1), true);
		assert.equal(isAsyncFunction(() => Promise.resolve(1)), false);
		assert.equal(isAsyncFunction(function* () {}), false);
	});

	for (const [name, make] of [
		['an async function', (body: () => Promise<number>) => async () => body()],
		['a function returning a promise', (body: () => Promise<number>) => () => body()],
	] as const) {
		test(`${name}: returns the same promise and is timed to its settlement`, async () => {
			const {clock, advance} = manualClock();
			const series = new Series('load', null, 'operation', 6);
			let release!: (value: number) => void;
			const pending = new Promise<number>(resolve => (release = resolve));
			const original = make(() => pending);
			const wrapped = timed(original, series, clock);
			const result = wrapped();
			if (!isAsyncFunction(original)) assert.equal(result, pending, 'a plain function gets its own promise back');
			assert.equal(series.count, 0, 'not recorded before settlement');
			advance(3_000_000);
			release(42);
			assert.equal(await result, 42);
			await tick();
			assert.equal(series.count, 1);
			assert.equal(series.sumNs, 3_000_000);
		});

		test(`${name}: a rejection is counted as an error and passed on as the same object`, async () => {
			const {clock, advance} = manualClock();
			const series = new Series('load', null, 'operation', 6);
			const problem = new Error('no database');
			const wrapped = timed(
				make(async () => {
					advance(900);
					throw problem;
				}),
				series,
				clock,
			);
			await assert.rejects(wrapped(), error => error === problem);
			await tick();
			assert.equal(series.count, 1);
			assert.equal(series.errors, 1);
			assert.equal(series.sumNs, 900);
		});
	}

	test('an async function: a rejection the caller ignores still crashes the process as without monitoring', () => {
		const timing = pathToFileURL(fileURLToPath(new URL('../../../source/host/metrics/timing.ts', import.meta.url))).href;
		const series = pathToFileURL(fileURLToPath(new URL('../../../source/host/metrics/series.ts', import.meta.url))).href;
		const run = (wrap: boolean) =>
			spawnSync(
				process.execPath,
				[
					'--import',
					'tsx',
					'--input-type=module',
					'-e',
					`const {timed} = await import(${JSON.stringify(timing)});
					const {Series} = await import(${JSON.stringify(series)});
					const work = async () => { throw new Error('ignored by the caller'); };
					const call = ${wrap} ? timed(work, new Series('w', null, 'operation', 6)) : work;
					void call();
					setTimeout(() => console.log('survived'), 50);`,
				],
				{encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url))},
			);
		const plain = run(false);
		const wrapped = run(true);
		assert.notEqual(plain.status, 0);
		assert.equal(wrapped.status, plain.status);
		assert.match(wrapped.stderr, /ignored by the caller/);
		assert.doesNotMatch(wrapped.stdout, /survived/);
	});

	test('an async function: a handled rejection is not reported as unhandled', async () => {
		const series = new Series('load', null, 'operation', 6);
		const seen: unknown[] = [];
		const listener = (reason: unknown) => seen.push(reason);
		process.on('unhandledRejection', listener);
		try {
			await timed(async () => {
				throw new Error('handled');
			}, series)().catch(() => 'caught');
			await tick();
			await tick();
		} finally {
			process.off('unhandledRejection', listener);
		}
		assert.deepEqual(seen, []);
	});

	test('a promise-returning function gets its very promise back, extra properties included', async () => {
		const series = new Series('fetch', null, 'operation', 6);
		const shared = Object.assign(Promise.resolve('row'), {abort() {}});
		const wrapped = timed(() => shared, series);
		assert.equal(wrapped(), shared);
		assert.equal(wrapped(), shared);
		assert.equal(await wrapped(), 'row');
		await tick();
		assert.equal(series.count, 3);
	});
});

describe('recording never reaches the caller', () => {
	test('a series whose record throws: same results, same exceptions, fault reported once', async () => {
		const {faults, kinds} = faultLog();
		const series = new Series('broken', null, 'operation', 6);
		series.record = () => {
			throw new Error('recording bug');
		};
		series.recordError = series.record;
		const problem = new Error('host error');
		const ok = timed((x: number) => x * 2, series, undefined, faults);
		const bad = timed(() => {
			throw problem;
		}, series, undefined, faults);
		const okAsync = timed(async (x: number) => x + 1, series, undefined, faults);
		const badAsync = timed(async () => {
			throw problem;
		}, series, undefined, faults);
		assert.equal(ok(21), 42);
		assert.throws(bad, error => error === problem);
		assert.equal(await okAsync(1), 2);
		await assert.rejects(badAsync(), error => error === problem);
		assert.equal(timeCall(() => 'once', series, undefined, faults), 'once');
		await tick();
		assert.deepEqual(kinds, ['record']);
		assert.equal(faults.byKind()['record'], 5);
	});

	test('a clock that throws or returns garbage is contained by guardClock', () => {
		const {faults, kinds} = faultLog();
		let calls = 0;
		const clock = guardClock(() => {
			calls++;
			if (calls === 2) throw new Error('clock broke');
			if (calls === 3) return 'soon' as unknown as bigint;
			return BigInt(calls * 1000);
		}, faults);
		const series = new Series('op', null, 'operation', 6);
		const wrapped = timed((x: number) => x, series, clock, faults);
		assert.equal(wrapped(1), 1); // start 1000, end: throws -> repeats 1000
		assert.equal(wrapped(2), 2); // start: garbage -> 1000, end 4000
		assert.equal(series.count, 2);
		assert.equal(series.sumNs, 3000);
		assert.deepEqual(kinds, ['clock']);
		assert.equal(faults.byKind()['clock'], 2);
	});

	test('a clock that goes backwards is counted as a call with an invalid duration', () => {
		let now = 10_000n;
		const series = new Series('op', null, 'operation', 6);
		const invalid: number[] = [];
		series.onInvalid = (_series, ns) => invalid.push(ns);
		const wrapped = timed(() => 'value', series, () => (now -= 500n));
		assert.equal(wrapped(), 'value');
		assert.equal(series.count, 1);
		assert.equal(series.sumNs, 0);
		assert.deepEqual(invalid, [-500]);
	});

	test('timeCall times one sync or async call with the same guarantees', async () => {
		const {clock, advance} = manualClock();
		const series = new Series('once', null, 'operation', 6);
		assert.equal(
			timeCall(() => {
				advance(10);
				return 'a';
			}, series, clock),
			'a',
		);
		const problem = new Error('x');
		assert.throws(() => timeCall(() => {
			throw problem;
		}, series, clock), error => error === problem);
		assert.equal(await timeCall(async () => 'b', series, clock), 'b');
		await tick();
		assert.equal(series.count, 3);
		assert.equal(series.errors, 1);
	});
});

describe('timingOf and recording from outside a wrapper', () => {
	test('a wrapper made by timed tells what it calls and where it records; other functions tell nothing', () => {
		const {clock} = manualClock();
		const {faults} = faultLog();
		const series = new Series('load', 'p', 'hook', 6);
		const sync = (x: number) => x;
		const async = async (x: number) => x;
		const wrappedSync = timed(sync, series, clock, faults);
		const wrappedAsync = timed(async, series, clock, faults);
		assert.deepEqual(timingOf(wrappedSync), {fn: sync, series, clock, faults, callback: undefined});
		assert.equal(timingOf(wrappedAsync)?.fn, async);
		assert.equal(timingOf(sync), undefined, 'the raw function is not a wrapper');
		assert.equal(timingOf(() => 1), undefined);
	});

	test('recordSince and recordErrorSince record the time since start and never throw', () => {
		const {clock, advance} = manualClock();
		const {faults, kinds} = faultLog();
		const series = new Series('op', null, 'operation', 6);
		const start = clock();
		advance(250);
		recordSince(series, clock, start, faults);
		advance(750);
		recordErrorSince(series, clock, start, faults);
		assert.equal(series.count, 2);
		assert.equal(series.errors, 1);
		assert.equal(series.sumNs, 250 + 1000);
		series.record = () => {
			throw new Error('recording bug');
		};
		series.recordError = series.record;
		recordSince(series, clock, start, faults);
		recordErrorSince(series, clock, start, faults);
		assert.deepEqual(kinds, ['record']);
		assert.equal(faults.byKind()['record'], 2);
	});
});

describe('busy time read while calls are in flight', () => {
	test('the opening call writes the interval start: a read in flight counts up to now, the close counts once', async () => {
		const {clock, advance} = manualClock();
		const {faults} = faultLog();
		const series = new Series('load', 'p', 'hook', 6);
		let finish!: () => void;
		const hook = timed(() => new Promise<void>(resolve => (finish = resolve)), series, clock, faults);
		advance(1000);
		const call = hook();
		advance(300);
		assert.equal(series.busy.ns(clock()), 300);
		const end = startTimer(series, clock, faults);
		advance(200);
		assert.equal(series.busy.ns(clock()), 500, 'an overlapping call adds nothing of its own');
		finish();
		await call;
		advance(100);
		end();
		assert.equal(series.busy.ns(clock()), 600);
		advance(5000);
		assert.equal(series.busy.ns(clock()), 600, 'idle time is not busy');
	});

	test('a caller that enters without a start gets it from markSelf when its call is alone in flight', () => {
		const {clock, advance} = manualClock();
		const {faults} = faultLog();
		const series = new Series('load', 'p', 'hook', 6);
		// An older interval leaves an old start behind.
		startTimer(series, clock, faults)();
		advance(10_000);
		const start = clock();
		const opener = enter(series);
		advance(40);
		markSelf(series, clock, start);
		advance(60);
		assert.equal(series.busy.ns(clock()), 100, 'counted from this call\'s start, not the older interval\'s');
		recordSince(series, clock, start, faults, opener);
		assert.equal(series.busy.ns(clock()), 100);
	});

	test('a reset while a call is in flight counts it from the reset on', () => {
		const {clock, advance} = manualClock();
		const {faults} = faultLog();
		const series = new Series('load', 'p', 'hook', 6);
		const end = startTimer(series, clock, faults);
		advance(700);
		series.busy.reset(clock());
		assert.equal(series.busy.ns(clock()), 0);
		advance(30);
		end();
		advance(30);
		assert.equal(series.busy.ns(clock()), 30);
	});
});
