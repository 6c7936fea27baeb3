import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {Samplers} from '../../../source/host/samplers/index.js';
import type {SystemReading, SystemSource} from '../../../source/host/samplers/system-source.js';
import {FakeClock, FakeProcess, FakeTimers, MB, recordingFaults} from './fakes.js';

/** A system source that counts reads and can be told to fail. */
class FakeSystem implements SystemSource {
	readonly kind = 'fake';
	reads: Array<{disks: boolean}> = [];
	fail: Error | null = null;
	closed = false;
	async read(options: {disks: boolean}): Promise<SystemReading> {
		this.reads.push(options);
		if (this.fail) throw this.fail;
		return {cpu: {totalPercent: 30, coresPercent: [20, 40]}, memory: {total: 1000, used: 400, available: 600}, swap: {total: 0, used: 0}, load: [0.5, 0.4, 0.3], disks: options.disks ? [{mount: '/', fs: 'ext4', size: 10, used: 5}] : null};
	}
	async close(): Promise<void> {
		this.closed = true;
	}
}

function setup(options: {warmupMs?: number; watched?: boolean; cgroupLimit?: number | null} = {}) {
	const clock = new FakeClock();
	const timers = new FakeTimers();
	const proc = new FakeProcess();
	const system = new FakeSystem();
	const {faults, reported} = recordingFaults();
	const samplers = new Samplers(
		{
			now: clock.now,
			timers,
			sources: proc.sources(),
			budget: {warmupMs: options.warmupMs ?? 0, warmupSamples: 2},
			heapGrowth: {majorGcs: 2, minDurationMs: 0, minGrowth: 0.1},
			system: {source: system, diskIntervalMs: 15_000, cgroup: async () => ({version: 2, limit: options.cgroupLimit ?? null, usage: 77})},
		},
		faults,
	);
	if (options.watched) samplers.setWatched(true);
	return {clock, timers, proc, system, faults, reported, samplers};
}

describe('samplers', () => {
	it('samples right away on start, then every idle interval, and every interval while watched', async () => {
		const {timers, samplers} = setup();
		samplers.start();
		assert.deepEqual(timers.delays(), [0]);
		timers.fireNext();
		await samplers.sampleNow();
		assert.deepEqual(timers.delays(), [10_000], 'nobody watches: slow');
		samplers.setWatched(true);
		assert.deepEqual(timers.delays(), [0], 'a client attached: sample now');
		timers.fireNext();
		await samplers.sampleNow();
		assert.deepEqual(timers.delays(), [1000]);
		samplers.setWatched(false);
		timers.fireNext();
		await samplers.sampleNow();
		assert.deepEqual(timers.delays(), [10_000]);
		await samplers.stop();
		assert.deepEqual(timers.delays(), [], 'stop clears the timer');
	});

	it('reports the process figures, CPU from pidusage and its cpuUsage cross-check', async () => {
		const {proc, samplers, clock} = setup();
		samplers.start();
		await samplers.sampleNow();
		proc.spend(250, 1000);
		proc.pidCpu = 24;
		clock.advance(1000);
		await samplers.sampleNow();
		const section = samplers.processSection();
		assert.ok(section);
		assert.equal(section.rss, 100 * MB);
		assert.equal(section.heapUsed, 40 * MB);
		assert.equal(section.cpuPercent, 24);
		assert.equal(section.cpuCheckPercent, 25);
		assert.deepEqual(section.eventLoop, {p50Ms: 1, p99Ms: 2, maxMs: 3, utilization: 0.1});
		assert.equal(section.uptimeS, 42);
		assert.equal(section.sampledAt, clock.at);
		await samplers.stop();
	});

	it('trusts the cpuUsage delta when pidusage disagrees grossly with it', async () => {
		const {proc, samplers} = setup();
		await samplers.sampleNow();
		proc.spend(300, 1000);
		proc.pidCpu = 344;
		await samplers.sampleNow();
		assert.equal(samplers.processSection()?.cpuPercent, 30);
		proc.spend(300, 1000);
		proc.pidCpu = 33;
		await samplers.sampleNow();
		assert.equal(samplers.processSection()?.cpuPercent, 33, 'close enough: pidusage is shown');
	});

	it('falls back to the cpuUsage delta when pidusage throws, and reports the fault once', async () => {
		const {proc, samplers, reported, faults} = setup();
		proc.pidCpu = new Error('pidusage exploded');
		await samplers.sampleNow();
		for (let i = 0; i < 3; i++) {
			proc.spend(500, 1000);
			await samplers.sampleNow();
		}
		assert.equal(samplers.processSection()?.cpuPercent, 50);
		assert.deepEqual(reported.map(fault => fault.kind), ['pidusage']);
		assert.equal(faults.byKind()['pidusage'], 4);
	});

	it('counts GCs by kind and follows the heap after major GCs', async () => {
		const {proc, samplers, clock} = setup();
		samplers.start();
		proc.gc('minor', 30 * MB, 1);
		proc.gc('minor', 31 * MB, 2);
		proc.gc('major', 40 * MB, 10);
		clock.advance(1000);
		proc.gc('major', 50 * MB, 12);
		clock.advance(1000);
		proc.gc('major', 60 * MB, 14);
		await samplers.sampleNow();
		const section = samplers.processSection();
		assert.deepEqual(section?.gc, {byKind: {minor: {count: 2, pauseMs: 3}, major: {count: 3, pauseMs: 36}}, heapAfterLastMajor: 60 * MB});
		assert.equal(section?.heapGrowth?.growing, true);
		assert.equal(section?.heapGrowth?.fromBytes, 40 * MB);
		await samplers.stop();
	});

	it('reports the baseline and budget once warm-up has passed, with the RSS history', async () => {
		const {proc, samplers, clock} = setup({warmupMs: 20_000});
		await samplers.sampleNow();
		clock.advance(10_000);
		await samplers.sampleNow();
		assert.equal(samplers.processSection()?.baselineRss, null);
		clock.advance(10_000);
		proc.rss = 110 * MB;
		await samplers.sampleNow();
		const section = samplers.processSection();
		assert.equal(section?.baselineRss, 105 * MB);
		assert.equal(section?.budgetRss, 126 * MB);
		assert.deepEqual(section?.rssHistory, [100 * MB, 100 * MB, 110 * MB]);
	});

	it('samples the system only while watched, and disks on their slower cadence', async () => {
		const {system, samplers, clock} = setup({cgroupLimit: 512 * MB});
		await samplers.sampleNow();
		assert.equal(system.reads.length, 0);
		assert.equal(samplers.systemSection(), null);
		samplers.setWatched(true);
		await samplers.sampleNow();
		clock.advance(1000);
		await samplers.sampleNow();
		clock.advance(14_000);
		await samplers.sampleNow();
		assert.deepEqual(system.reads.map(read => read.disks), [true, false, true]);
		const section = samplers.systemSection();
		assert.deepEqual(section?.disks, [{mount: '/', fs: 'ext4', size: 10, used: 5}]);
		assert.deepEqual(section?.cgroup, {limit: 512 * MB, usage: 77});
		assert.deepEqual(section?.cpu, {totalPercent: 30, coresPercent: [20, 40]});
	});

	it('keeps disks from the last disk reading between disk readings', async () => {
		const {samplers, clock} = setup({watched: true});
		await samplers.sampleNow();
		clock.advance(1000);
		await samplers.sampleNow();
		assert.equal(samplers.systemSection()?.disks?.length, 1);
		assert.equal(samplers.systemSection()?.cgroup, null, 'no limit set: no cgroup figures');
	});

	it('keeps going when the system source throws: last values kept, fault reported once', async () => {
		const {system, samplers, clock, proc, reported, faults} = setup({watched: true});
		await samplers.sampleNow();
		const before = samplers.systemSection();
		system.fail = new Error('systeminformation failed');
		for (let i = 0; i < 3; i++) {
			clock.advance(1000);
			proc.rss += MB;
			await samplers.sampleNow();
		}
		assert.deepEqual(samplers.systemSection(), before);
		assert.equal(samplers.processSection()?.rss, 103 * MB, 'process sampling goes on');
		assert.deepEqual(reported.map(fault => fault.kind), ['system-sampler']);
		assert.equal(faults.byKind()['system-sampler'], 3);
		system.fail = null;
		clock.advance(1000);
		await samplers.sampleNow();
		assert.equal(samplers.systemSection()?.sampledAt, clock.at, 'recovers on the next good reading');
	});

	it('calls sample listeners after each sample; a throwing listener is a fault and others still run', async () => {
		const {samplers, reported} = setup();
		const seen: number[] = [];
		samplers.onSample(() => {
			throw new Error('listener bug');
		});
		const remove = samplers.onSample(process => seen.push(process?.rss ?? -1));
		await samplers.sampleNow();
		remove();
		await samplers.sampleNow();
		assert.deepEqual(seen, [100 * MB]);
		assert.deepEqual(reported.map(fault => fault.kind), ['sample-listener']);
	});

	it('survives a memoryUsage failure without a section and without throwing', async () => {
		const {samplers, reported} = setup();
		const {faults} = recordingFaults();
		const broken = new Samplers({sources: {memoryUsage: () => {
			throw new Error('EMFILE');
		}, pidusage: null, eventLoop: null, gc: null}, system: false}, faults);
		await broken.sampleNow();
		assert.equal(broken.processSection(), null);
		assert.equal(faults.byKind()['process-sampler'], 1);
		await samplers.sampleNow();
		assert.equal(reported.length, 0);
	});

	it('samples the system again after a stop and a new start', async () => {
		const {samplers, system, timers} = setup({watched: true});
		samplers.start();
		await samplers.sampleNow();
		await samplers.stop();
		const reads = system.reads.length;
		samplers.start();
		assert.deepEqual(timers.delays(), [0]);
		timers.fireNext();
		await samplers.sampleNow();
		assert.ok(system.reads.length > reads);
		await samplers.stop();
	});

	it('closes the system source on stop', async () => {
		const {samplers, system} = setup({watched: true});
		samplers.start();
		await samplers.sampleNow();
		await samplers.stop();
		assert.equal(system.closed, true);
	});
});
