import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {cpus, tmpdir, totalmem} from 'node:os';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import {ProcSystemSource} from '../../../source/host/samplers/proc-source.js';
import {SystemSampler} from '../../../source/host/samplers/system-sampler.js';
import {parseMeminfo, parseMounts} from '../../../source/host/samplers/system-source.js';
import {SourceUnavailableError, WorkerSystemSource} from '../../../source/host/samplers/worker-source.js';
import {FakeClock, recordingFaults} from './fakes.js';

const crashingWorker = new URL('./fixtures/crashing-worker.mjs', import.meta.url);

function procStat(total: [number, number], cores: Array<[number, number]>): string {
	// [busy user jiffies, idle jiffies] per line.
	const line = (name: string, [busy, idle]: [number, number]) => `${name} ${busy} 0 0 ${idle} 0 0 0 0 0 0`;
	return [line('cpu', total), ...cores.map((core, i) => line(`cpu${i}`, core)), 'intr 1 2 3', 'ctxt 100'].join('\n') + '\n';
}

function fakeProcRoot(t: {after(fn: () => void): void}): string {
	const root = mkdtempSync(join(tmpdir(), 'pt-proc-'));
	t.after(() => rmSync(root, {recursive: true, force: true}));
	mkdirSync(join(root, 'proc/self'), {recursive: true});
	writeFileSync(join(root, 'proc/stat'), procStat([100, 900], [[50, 450], [50, 450]]));
	writeFileSync(join(root, 'proc/meminfo'), 'MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    600 kB\nSwapTotal:       200 kB\nSwapFree:        150 kB\n');
	writeFileSync(join(root, 'proc/loadavg'), '0.50 0.40 0.30 1/100 1234\n');
	writeFileSync(join(root, 'proc/self/mounts'), 'proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\n/dev/vdb /no/such/perftop/mount ext4 rw 0 0\ntmpfs /dev/shm tmpfs rw 0 0\n');
	return root;
}

describe('proc system source', () => {
	it('reads memory, swap and load, and CPU from the delta between two readings', async t => {
		const root = fakeProcRoot(t);
		const source = new ProcSystemSource(root);
		const first = await source.read({disks: false});
		assert.equal(first.cpu, null, 'nothing to compare the first reading with');
		assert.deepEqual(first.memory, {total: 1000 * 1024, available: 600 * 1024, used: 400 * 1024});
		assert.deepEqual(first.swap, {total: 200 * 1024, used: 50 * 1024});
		assert.deepEqual(first.load, [0.5, 0.4, 0.3]);
		assert.equal(first.disks, null);
		// +100 jiffies on each core: core 0 all busy, core 1 a quarter busy.
		writeFileSync(join(root, 'proc/stat'), procStat([225, 975], [[150, 450], [75, 525]]));
		const second = await source.read({disks: false});
		assert.deepEqual(second.cpu, {totalPercent: 62.5, coresPercent: [100, 25]});
	});

	it('lists real filesystems once, skipping pseudo filesystems and mounts it cannot stat', async t => {
		const source = new ProcSystemSource(fakeProcRoot(t));
		const {disks} = await source.read({disks: true});
		assert.deepEqual(disks?.map(disk => disk.mount), ['/']);
		assert.ok(disks?.[0] && disks[0].size > 0 && disks[0].used > 0 && disks[0].used <= disks[0].size);
	});

	it('keeps one mount per device and unescapes mount paths', () => {
		const mounts = parseMounts('/dev/sda1 /srv/my\\040data ext4 rw 0 0\n/dev/sda1 /srv ext4 rw 0 0\n/dev/sdb /var xfs rw 0 0\n');
		assert.deepEqual(mounts, [{device: '/dev/sda1', mount: '/srv', fs: 'ext4'}, {device: '/dev/sdb', mount: '/var', fs: 'xfs'}]);
		assert.equal(parseMounts('/dev/sdc /mnt/my\\040disk ext4 rw 0 0\n')[0]?.mount, '/mnt/my disk');
	});

	it('parses meminfo values into bytes', () => {
		const values = parseMeminfo('MemTotal:  2048 kB\nHugePages_Total:       0\n');
		assert.equal(values.get('MemTotal'), 2048 * 1024);
		assert.equal(values.get('HugePages_Total'), 0);
	});

	it('matches what the kernel reports on this machine', {skip: process.platform !== 'linux'}, async () => {
		const source = new ProcSystemSource();
		await source.read({disks: false});
		await new Promise(resolve => setTimeout(resolve, 50));
		const reading = await source.read({disks: true});
		assert.equal(reading.memory?.total, totalmem());
		assert.equal(reading.cpu?.coresPercent.length, cpus().length);
		assert.ok(reading.disks?.some(disk => disk.mount === '/'));
	});

	it('reads the cgroup limit on the slow cadence and only its usage in between', async t => {
		const dir = mkdtempSync(join(tmpdir(), 'pt-cg-'));
		t.after(() => rmSync(dir, {recursive: true, force: true}));
		const usageFile = join(dir, 'memory.current');
		writeFileSync(usageFile, '1000\n');
		let fullReads = 0;
		const clock = new FakeClock();
		const {faults} = recordingFaults();
		const sampler = new SystemSampler({source: new ProcSystemSource(fakeProcRoot(t)), diskIntervalMs: 15_000, cgroup: async () => ({version: 2, limit: 4096, usage: 1000, usageFile, ...(fullReads++ > 0 ? {limit: 8192} : {})})}, faults, clock.now);
		await sampler.sample();
		assert.deepEqual(sampler.section()?.cgroup, {limit: 4096, usage: 1000});
		writeFileSync(usageFile, '2000\n');
		clock.advance(1000);
		await sampler.sample();
		assert.deepEqual(sampler.section()?.cgroup, {limit: 4096, usage: 2000}, 'usage is fresh every sample');
		assert.equal(fullReads, 1);
		clock.advance(14_000);
		await sampler.sample();
		assert.equal(fullReads, 2);
		assert.equal(sampler.section()?.cgroup?.limit, 8192, 'a changed limit shows after the slow interval');
		await sampler.close();
	});

	it('is a counted fault when /proc is unreadable, and the sampler keeps going', async () => {
		const {faults, reported} = recordingFaults();
		const sampler = new SystemSampler({source: new ProcSystemSource('/no/such/perftop/root'), cgroup: async () => null}, faults, Date.now);
		assert.equal(await sampler.sample(), false);
		assert.equal(await sampler.sample(), false);
		assert.equal(sampler.section(), null);
		assert.deepEqual(reported.map(fault => fault.kind), ['system-sampler']);
		assert.equal(faults.byKind()['system-sampler'], 2);
	});
});

describe('worker system source', () => {
	it('runs systeminformation in a worker thread and answers with this machine', async () => {
		const {faults, reported} = recordingFaults();
		const source = new WorkerSystemSource(faults);
		try {
			const reading = await source.read({disks: true});
			assert.equal(reading.cpu?.coresPercent.length, cpus().length);
			assert.equal(reading.memory?.total, totalmem());
			assert.ok(Array.isArray(reading.disks));
			assert.deepEqual(reported, []);
		} finally {
			await source.close();
		}
	});

	it('restarts a crashed worker with exponential backoff, reporting the fault once', async t => {
		t.after(() => delete process.env['PERFTOP_TEST_WORKER_MODE']);
		const clock = new FakeClock();
		const {faults, reported} = recordingFaults();
		const source = new WorkerSystemSource(faults, {url: crashingWorker, now: clock.now, backoffMs: 1000, backoffMaxMs: 4000});
		try {
			await assert.rejects(source.read({disks: false}), /worker blew up/);
			assert.equal(source.restartAt, clock.at + 1000);
			await assert.rejects(source.read({disks: false}), SourceUnavailableError, 'no restart before the backoff');
			assert.equal(source.starts, 1);
			clock.advance(1000);
			await assert.rejects(source.read({disks: false}), /worker blew up/);
			assert.equal(source.starts, 2);
			assert.equal(source.restartAt, clock.at + 2000, 'the delay doubles');
			clock.advance(2000);
			await assert.rejects(source.read({disks: false}));
			clock.advance(4000);
			await assert.rejects(source.read({disks: false}));
			assert.equal(source.restartAt, clock.at + 4000, 'capped at backoffMaxMs');
			process.env['PERFTOP_TEST_WORKER_MODE'] = 'answer';
			clock.advance(4000);
			const reading = await source.read({disks: false});
			assert.equal(reading.cpu?.totalPercent, 12);
			assert.equal(source.starts, 5);
			assert.deepEqual(reported.map(fault => fault.kind), ['system-worker']);
			assert.equal(faults.byKind()['system-worker'], 4);
		} finally {
			await source.close();
		}
	});

	it('treats a worker that stops answering as crashed', async t => {
		process.env['PERFTOP_TEST_WORKER_MODE'] = 'hang';
		t.after(() => delete process.env['PERFTOP_TEST_WORKER_MODE']);
		const {faults} = recordingFaults();
		const source = new WorkerSystemSource(faults, {url: crashingWorker, timeoutMs: 200});
		try {
			await assert.rejects(source.read({disks: false}), /did not answer/);
			assert.equal(faults.byKind()['system-worker'], 1);
			assert.ok(source.restartAt > 0);
		} finally {
			await source.close();
		}
	});

	it('counts a worker crash once, not again for each read that fails because of it', async () => {
		const clock = new FakeClock();
		const {faults} = recordingFaults();
		const source = new WorkerSystemSource(faults, {url: crashingWorker, now: clock.now});
		const sampler = new SystemSampler({source, cgroup: async () => null}, faults, clock.now);
		try {
			assert.equal(await sampler.sample(), false);
			assert.equal(await sampler.sample(), false);
			assert.equal(await sampler.sample(), false);
			assert.deepEqual(faults.byKind(), {'system-worker': 1});
		} finally {
			await sampler.close();
		}
	});
});
