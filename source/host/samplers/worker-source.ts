/**
 * Cross-platform system source: systeminformation in a worker thread, so its blocking calls (execSync in
 * currentLoad, df in fsSize) never stall the host. The worker is unref'd, started on the first read, and
 * restarted with exponential backoff when it crashes, exits or stops answering.
 */
import {Worker} from 'node:worker_threads';
import type {Faults} from '../faults/faults.js';
import {SourceUnavailableError, type SystemReading, type SystemSource, type WorkerSourceOptions} from './system-source.js';
import type {WorkerReply, WorkerRequest} from './system-worker.js';

export {SourceUnavailableError, type WorkerSourceOptions} from './system-source.js';


/** The worker file next to this module, with the extension this module was loaded with. */
export function defaultWorkerUrl(): URL {
	const extension = isTypeScript(new URL(import.meta.url)) ? '.ts' : '.js';
	return new URL(`./system-worker${extension}`, import.meta.url);
}

function isTypeScript(url: URL): boolean {
	return /\.[cm]?ts$/.test(url.pathname);
}

/**
 * Starts a worker on `url`. A .ts file (perftop running from source under tsx) is loaded through tsx's
 * tsImport: on Node 20 the loader hooks of `--import tsx` do not reach worker threads.
 */
export function spawnWorker(url: URL): Worker {
	const options = {stdout: false, stderr: false};
	if (!isTypeScript(url)) return new Worker(url, options);
	const api = import.meta.resolve('tsx/esm/api');
	const bootstrap = `import(${JSON.stringify(api)}).then(api => api.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`;
	return new Worker(bootstrap, {...options, eval: true});
}

interface Pending {
	resolve(reading: SystemReading): void;
	reject(error: unknown): void;
	timer: NodeJS.Timeout;
}

/** systeminformation in a restartable worker thread. */
export class WorkerSystemSource implements SystemSource {
	readonly kind = 'worker';
	/** Workers started so far (1 + restarts). */
	starts = 0;
	readonly #faults: Faults;
	readonly #url: URL;
	readonly #timeoutMs: number;
	readonly #backoffMs: number;
	readonly #backoffMaxMs: number;
	readonly #now: () => number;
	readonly #pending = new Map<number, Pending>();
	#worker: Worker | null = null;
	#nextId = 1;
	#delay: number;
	#restartAt = 0;
	#closed = false;

	constructor(faults: Faults, options: WorkerSourceOptions = {}) {
		this.#faults = faults;
		this.#url = options.url ?? defaultWorkerUrl();
		this.#timeoutMs = options.timeoutMs ?? 10_000;
		this.#backoffMs = options.backoffMs ?? 1000;
		this.#backoffMaxMs = options.backoffMaxMs ?? 60_000;
		this.#delay = this.#backoffMs;
		this.#now = options.now ?? Date.now;
	}

	/** Epoch ms before which no restart is attempted (0 when the worker is up or never crashed). */
	get restartAt(): number {
		return this.#restartAt;
	}

	read({disks}: {disks: boolean}): Promise<SystemReading> {
		if (this.#closed) return Promise.reject(new Error('system source closed'));
		const worker = this.#ensure();
		if (!worker) return Promise.reject(new SourceUnavailableError(`system worker restarting after ${new Date(this.#restartAt).toISOString()}`));
		const id = this.#nextId++;
		return new Promise<SystemReading>((resolve, reject) => {
			const timer = setTimeout(() => this.#crashed(worker, new Error(`system worker did not answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
			timer.unref();
			this.#pending.set(id, {resolve, reject, timer});
			worker.postMessage({id, disks} satisfies WorkerRequest);
		});
	}

	async close(): Promise<void> {
		this.#closed = true;
		const worker = this.#worker;
		this.#worker = null;
		this.#rejectAll(new Error('system source closed'));
		if (worker) await worker.terminate();
	}

	#ensure(): Worker | null {
		if (this.#worker) return this.#worker;
		if (this.#now() < this.#restartAt) return null;
		let worker: Worker;
		try {
			worker = spawnWorker(this.#url);
		} catch (error) {
			this.#scheduleRestart(error);
			return null;
		}
		this.starts++;
		worker.unref();
		worker.on('message', (reply: WorkerReply) => this.#answer(reply));
		worker.on('error', error => this.#crashed(worker, error));
		worker.on('exit', code => this.#crashed(worker, new Error(`system worker exited with code ${code}`)));
		this.#worker = worker;
		return worker;
	}

	#answer(reply: WorkerReply): void {
		const pending = this.#pending.get(reply.id);
		if (!pending) return;
		this.#pending.delete(reply.id);
		clearTimeout(pending.timer);
		if (reply.ok) {
			// A worker that answers is healthy again: the next crash starts the backoff from the beginning.
			this.#delay = this.#backoffMs;
			pending.resolve(reply.reading);
		} else pending.reject(new Error(reply.error));
	}

	#crashed(worker: Worker, error: unknown): void {
		if (this.#worker !== worker) return;
		this.#worker = null;
		this.#rejectAll(new SourceUnavailableError(`system worker failed: ${error instanceof Error ? error.message : String(error)}`, error));
		if (this.#closed) return;
		worker.terminate().catch(() => {});
		this.#scheduleRestart(error);
	}

	#scheduleRestart(error: unknown): void {
		this.#faults.report('system-worker', error);
		this.#restartAt = this.#now() + this.#delay;
		this.#delay = Math.min(this.#backoffMaxMs, this.#delay * 2);
	}

	#rejectAll(error: unknown): void {
		for (const pending of this.#pending.values()) {
			clearTimeout(pending.timer);
			pending.reject(error);
		}
		this.#pending.clear();
	}
}
