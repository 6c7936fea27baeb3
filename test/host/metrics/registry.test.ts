import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {Faults} from '../../../source/host/faults/faults.js';
import {OVERFLOW_OP, SeriesRegistry} from '../../../source/host/metrics/registry.js';

const MS = 1e6;

function fakeTime(start = Date.UTC(2026, 0, 1)) {
	let now = start;
	return {
		now: () => now,
		advance(ms: number) {
			now += ms;
		},
		set(ms: number) {
			now = ms;
		},
	};
}

function faultLog() {
	const reported: Array<{kind: string; error: unknown}> = [];
	return {faults: new Faults((kind, error) => reported.push({kind, error})), reported};
}

describe('SeriesRegistry', () => {
	test('one series per (operation, plugin); the same key gives the same series', () => {
		const registry = new SeriesRegistry(faultLog().faults);
		const a = registry.get('render', 'table');
		assert.equal(registry.get('render', 'table'), a);
		assert.notEqual(registry.get('render', 'chart'), a);
		assert.notEqual(registry.get('render'), a);
		assert.equal(registry.find('render', 'table'), a);
		assert.equal(registry.find('render', 'nobody'), undefined);
		assert.deepEqual(
			registry.ofPlugin('table').map(series => series.op),
			['render'],
		);
		assert.equal(registry.size, 3);
	});

	test('past the cap, new series fold into one overflow series, reported once', () => {
		const {faults, reported} = faultLog();
		const registry = new SeriesRegistry(faults, {cap: 3});
		for (const op of ['a', 'b', 'c']) registry.get(op, 'p');
		const d = registry.get('d', 'p');
		const e = registry.get('e', 'q');
		assert.equal(d, e);
		assert.equal(d.op, OVERFLOW_OP);
		assert.equal(d.plugin, null);
		d.record(MS);
		e.record(MS);
		assert.equal(registry.get('f').count, 2);
		assert.equal(registry.overflowed, true);
		assert.equal(registry.size, 4);
		assert.equal(registry.all().at(-1), d);
		const capFaults = reported.filter(fault => fault.kind === 'series-cap');
		assert.equal(capFaults.length, 1);
		assert.match(String((capFaults[0]!.error as Error).message), /cap of 3/);
		assert.equal(faults.byKind()['series-cap'], 1);
		// Existing series keep working after the cap.
		assert.equal(registry.get('a', 'p').op, 'a');
	});

	test('an invalid duration is reported as a fault once, however often it happens', () => {
		const {faults, reported} = faultLog();
		const registry = new SeriesRegistry(faults);
		const series = registry.get('op');
		series.record(-1);
		series.record(Number.NaN);
		assert.equal(series.count, 2);
		assert.equal(reported.filter(fault => fault.kind === 'invalid-duration').length, 1);
		assert.equal(faults.count, 2);
	});

	test('reset zeroes every series and keeps the same objects', () => {
		const registry = new SeriesRegistry(faultLog().faults);
		const series = registry.get('op', 'p');
		series.record(MS);
		registry.reset();
		assert.equal(registry.get('op', 'p'), series);
		assert.equal(series.count, 0);
		series.record(MS);
		assert.equal(series.count, 1);
	});

	test('the window covers the time since start until the ring is full', () => {
		const time = fakeTime();
		const registry = new SeriesRegistry(faultLog().faults, {slotMs: 10_000, slots: 6, now: time.now});
		time.advance(4_000);
		assert.equal(registry.windowMs(), 4_000);
		time.advance(6_000);
		registry.rotate();
		time.advance(55_000);
		registry.advance();
		// Five full slots and the current one, 5 s into it.
		assert.equal(registry.windowMs(), 55_000);
	});

	test('advance rotates once per elapsed slot, so old calls leave the recent window on time', () => {
		const time = fakeTime();
		const registry = new SeriesRegistry(faultLog().faults, {slotMs: 10_000, slots: 3, now: time.now});
		const series = registry.get('op');
		series.record(MS);
		time.advance(9_999);
		registry.advance();
		assert.equal(series.summary(registry.windowMs()).recent.count, 1);
		time.advance(1);
		registry.advance(); // slot 2
		series.record(MS);
		time.advance(10_000);
		registry.advance(); // slot 3: both calls still inside 3 slots
		assert.equal(series.summary(registry.windowMs()).recent.count, 2);
		time.advance(10_000);
		registry.advance(); // the first call's slot is gone
		assert.equal(series.summary(registry.windowMs()).recent.count, 1);
		assert.equal(series.count, 2);
	});

	test('after a long pause (a day, with no timer) nothing old is shown as recent', () => {
		const time = fakeTime();
		const registry = new SeriesRegistry(faultLog().faults, {slotMs: 10_000, slots: 6, now: time.now});
		const series = registry.get('op');
		for (let index = 0; index < 10; index++) series.record(MS);
		time.advance(24 * 3600 * 1000);
		registry.advance();
		const recent = series.summary(registry.windowMs()).recent;
		assert.equal(recent.count, 0);
		assert.equal(recent.rate, 0);
		assert.equal(registry.windowMs(), 50_000);
		// The same time of day on the next day is not "recent" either (the window is epoch time, not time of day).
		series.record(MS);
		assert.equal(series.summary(registry.windowMs()).recent.count, 1);
	});

	test('a wall clock that goes backwards neither throws nor produces a negative window', () => {
		const time = fakeTime();
		const registry = new SeriesRegistry(faultLog().faults, {slotMs: 10_000, slots: 6, now: time.now});
		const series = registry.get('op');
		series.record(MS);
		time.advance(-3_600_000);
		assert.doesNotThrow(() => registry.advance());
		assert.ok(registry.windowMs() >= 1);
		assert.equal(series.summary(registry.windowMs()).recent.count, 1);
		time.advance(10_000);
		registry.advance();
		assert.ok(registry.windowMs() >= 1);
	});

	test('the rotation timer can be started and stopped and does not keep the process alive', () => {
		const registry = new SeriesRegistry(faultLog().faults, {slotMs: 100});
		const stop = registry.start();
		assert.equal(typeof stop, 'function');
		stop();
		registry.stop();
	});
});
