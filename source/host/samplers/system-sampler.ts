/**
 * The system section: CPU, memory, swap, load, disks (on a slower cadence) and the cgroup memory limit,
 * read from a SystemSource that never blocks the host's event loop. Failures keep the last values and are
 * counted as faults; sample() never throws. The sources and the cgroup reader are loaded on the first sample
 * (the system sampler runs only while a client watches), not with the host library (bench row
 * `host-import-ms`).
 */
import type {SystemSection} from '../../protocol/snapshot.js';
import type {Faults} from '../faults/faults.js';
import type {CgroupMemory} from './cgroup.js';
import {SourceUnavailableError, type SystemReading, type SystemSource, type WorkerSourceOptions} from './system-source.js';

/** Options of the system sampler. */
export interface SystemSamplerOptions {
	/**
	 * Where system figures come from. `auto` (default): `proc` on Linux (async /proc reads and statfs on the
	 * thread pool: no thread, no child process), `worker` elsewhere (systeminformation in a worker thread).
	 * A SystemSource object replaces both (tests).
	 */
	source?: 'auto' | 'proc' | 'worker' | SystemSource;
	/** Disk usage and the cgroup limit are read at most this often, ms (default 15 000). */
	diskIntervalMs?: number;
	/** Worker source tuning (timeout, restart backoff). */
	worker?: WorkerSourceOptions;
	/** Reads the container memory limit (default: the process's cgroup). */
	cgroup?: () => Promise<CgroupMemory | null>;
}

/** Samples the machine on demand; the caller decides the cadence. */
export class SystemSampler {
	readonly #options: SystemSamplerOptions;
	readonly #faults: Faults;
	readonly #now: () => number;
	#source: SystemSource | null = null;
	/** The source being created (its module loading), shared by concurrent samples. */
	#creating: Promise<SystemSource | null> | null = null;
	#section: SystemSection | null = null;
	#disksAt = Number.NEGATIVE_INFINITY;
	#cgroup: CgroupMemory | null = null;
	#cgroupAt = Number.NEGATIVE_INFINITY;
	/** Bumped by close(): a reading that was in flight across a close is dropped. */
	#generation = 0;

	constructor(options: SystemSamplerOptions, faults: Faults, now: () => number) {
		this.#options = options;
		this.#faults = faults;
		this.#now = now;
	}

	/** The source in use, once the first sample has created it. */
	get source(): SystemSource | null {
		return this.#source;
	}

	section(): SystemSection | null {
		return this.#section;
	}

	/** Takes one reading; never throws. Resolves true when the section was updated. */
	async sample(): Promise<boolean> {
		const generation = this.#generation;
		const source = this.#source ?? (await this.#createSource());
		if (!source || generation !== this.#generation) return false;
		const now = this.#now();
		const slowEvery = this.#options.diskIntervalMs ?? 15_000;
		const disks = now - this.#disksAt >= slowEvery;
		const [reading, cgroup] = await Promise.allSettled([source.read({disks}), this.#readCgroup(now, slowEvery)]);
		if (generation !== this.#generation) return false;
		if (reading.status === 'rejected') {
			if (!(reading.reason instanceof SourceUnavailableError)) this.#faults.report('system-sampler', reading.reason);
			return false;
		}
		if (disks && reading.value.disks !== null) this.#disksAt = now;
		this.#section = this.#merge(now, reading.value, cgroup.status === 'fulfilled' ? cgroup.value : null);
		return true;
	}

	/**
	 * The cgroup limit is read in full on the slow cadence (it rarely changes); in between, only the usage
	 * file is re-read, and only when a limit is set.
	 */
	async #readCgroup(now: number, slowEvery: number): Promise<CgroupMemory | null> {
		if (now - this.#cgroupAt >= slowEvery) {
			this.#cgroupAt = now;
			this.#cgroup = await (this.#options.cgroup ?? processCgroup)();
		} else if (this.#cgroup?.limit != null && this.#cgroup.usageFile !== undefined) {
			this.#cgroup = {...this.#cgroup, usage: await (await loadCgroup()).readCgroupUsage(this.#cgroup.usageFile)};
		}
		return this.#cgroup;
	}

	/** Releases the source; a later sample() starts a fresh one (the monitor may be started again). */
	async close(): Promise<void> {
		this.#generation++;
		const source = this.#source;
		this.#source = null;
		if (source) await source.close();
	}

	#createSource(): Promise<SystemSource | null> {
		this.#creating ??= this.#loadSource(this.#generation).finally(() => {
			this.#creating = null;
		});
		return this.#creating;
	}

	/** Loads and creates the configured source; null (and a fault) when that fails or close() came meanwhile. */
	async #loadSource(generation: number): Promise<SystemSource | null> {
		const choice = this.#options.source ?? 'auto';
		let source: SystemSource;
		try {
			if (typeof choice === 'object') source = choice;
			else if (choice === 'proc' || (choice === 'auto' && process.platform === 'linux')) source = new (await import('./proc-source.js')).ProcSystemSource();
			else source = new (await import('./worker-source.js')).WorkerSystemSource(this.#faults, {now: this.#now, ...this.#options.worker});
		} catch (error) {
			this.#faults.report('system-sampler', error);
			return null;
		}
		// Neither source holds anything before its first read, so one created across a close() is just dropped.
		if (generation !== this.#generation) return null;
		this.#source = source;
		return source;
	}

	#merge(now: number, reading: SystemReading, cgroup: CgroupMemory | null): SystemSection {
		const previous = this.#section;
		return {
			sampledAt: now,
			// The first CPU reading of a delta-based source has nothing to compare with: keep the last value.
			cpu: reading.cpu ?? previous?.cpu ?? null,
			memory: reading.memory,
			swap: reading.swap,
			load: reading.load,
			disks: reading.disks ?? previous?.disks ?? null,
			cgroup: cgroup && cgroup.limit !== null ? {limit: cgroup.limit, usage: cgroup.usage} : null,
		};
	}
}

let cgroupModule: Promise<typeof import('./cgroup.js')> | undefined;

function loadCgroup(): Promise<typeof import('./cgroup.js')> {
	cgroupModule ??= import('./cgroup.js');
	return cgroupModule;
}

/** The limit of the cgroup this process runs in. */
async function processCgroup(): Promise<CgroupMemory | null> {
	return (await loadCgroup()).readCgroupMemory();
}
