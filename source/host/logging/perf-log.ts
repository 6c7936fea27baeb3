/**
 * The host's performance log: pino JSON lines in a pino-roll rotated set (schema: source/analyze/SCHEMA.md).
 * Writes a start line, plugin loads, alerts, resets and cache clears as they happen, slow calls rate-limited
 * per series, and every interval one summary per series that had calls (the interval's histogram, so
 * summaries merge exactly), a process sample and the caches that changed. Never one line per call; hook
 * arguments are never written (no event carries them). Flushed on close, SIGINT, SIGTERM and exit.
 */
import {performance} from 'node:perf_hooks';
import {HISTOGRAM_SCHEME, RELATIVE_ERROR} from '../../protocol/histogram.js';
import type {HostEvent} from '../../protocol/messages.js';
import type {MonitorHandle} from '../monitor/handle.js';
import {onShutdown} from '../monitor/shutdown.js';
import {IntervalDeltas} from './deltas.js';
import {resolvePerfLogOptions, type PerfLogOptions, type ResolvedPerfLogOptions} from './options.js';
import {cacheRecord, eventRecord, processRecord, slowCallRecord, startRecord, stopRecord, summaryRecord} from './records.js';
import {LogStream} from './stream.js';

export {type PerfLogOptions} from './options.js';

/** A running performance log. */
export interface PerfLog {
	/** Writes the summaries of the interval so far and flushes; the log keeps running. */
	flush(): Promise<void>;
	/** Writes the summaries of the interval so far (the monitor calls it just before a metrics reset). */
	beforeReset(): void;
	/** Writes the last summaries and a stop line, flushes and closes the file. Idempotent. */
	close(): Promise<void>;
	/** Lines dropped so far (disk refusing writes, or the file could not be opened). */
	readonly dropped: number;
	/** Resolves once the file is open (or failed to open; see faults). */
	readonly ready: Promise<void>;
}

/** Starts the performance log of `monitor`. Throws only for invalid options; I/O failures go to faults. */
export function startPerfLog(monitor: MonitorHandle, options: PerfLogOptions): PerfLog {
	return new PerfLogWriter(monitor, resolvePerfLogOptions(options));
}

interface SlowState {
	last: number;
	suppressed: number;
}

class PerfLogWriter implements PerfLog {
	readonly #monitor: MonitorHandle;
	readonly #options: ResolvedPerfLogOptions;
	readonly #stream: LogStream;
	readonly #tracker: IntervalDeltas;
	readonly #slow = new Map<string, SlowState>();
	readonly #cacheState = new Map<string, string>();
	readonly #off: () => void;
	readonly #removeShutdown: () => void;
	readonly #timer: NodeJS.Timeout;
	#cpu = process.cpuUsage();
	#cpuAt = performance.now();
	#elu = performance.eventLoopUtilization();
	#closed = false;

	constructor(monitor: MonitorHandle, options: ResolvedPerfLogOptions) {
		this.#monitor = monitor;
		this.#options = options;
		this.#stream = new LogStream(options, monitor.faults);
		this.#tracker = new IntervalDeltas(Date.now());
		this.#stream.write(startRecord(monitor.host, options.summaryIntervalMs, HISTOGRAM_SCHEME, RELATIVE_ERROR));
		this.#off = monitor.events.on(event => this.#onEvent(event));
		this.#timer = setInterval(() => this.#tick(), options.summaryIntervalMs);
		this.#timer.unref();
		this.#removeShutdown = onShutdown({
			async: () => this.flush(),
			sync: () => {
				this.#tick();
				this.#stream.flushSync();
			},
		});
	}

	get dropped(): number {
		return this.#stream.dropped;
	}

	get ready(): Promise<void> {
		return this.#stream.ready;
	}

	#onEvent(event: HostEvent): void {
		if (this.#closed) return;
		if (event.kind === 'call.slow') {
			this.#onSlow(event.op, event.plugin, event.ms, event.at);
			return;
		}
		if (event.kind === 'metrics.reset') this.#tracker.reset();
		const record = eventRecord(event);
		if (record) this.#stream.write(record, event.kind === 'alert' && event.alert.state === 'active' ? 'warn' : 'info');
	}

	/** One line per series per slowLogIntervalMs; the slow calls in between are counted in the next line. */
	#onSlow(op: string, plugin: string | null, ms: number, at: number): void {
		const key = `${plugin ?? ''}\u0000${op}`;
		const state = this.#slow.get(key);
		if (state && at - state.last < this.#options.slowLogIntervalMs) {
			state.suppressed++;
			return;
		}
		this.#stream.write(slowCallRecord(op, plugin, ms, at, state?.suppressed ?? 0));
		if (state) {
			state.last = at;
			state.suppressed = 0;
		} else {
			this.#slow.set(key, {last: at, suppressed: 0});
		}
	}

	/** Writes the interval's summaries, process sample and changed caches. Never throws. */
	#tick(): void {
		if (this.#closed) return;
		const monitor = this.#monitor;
		this.#writeSummaries();
		if (this.#options.process) {
			try {
				this.#writeProcess();
			} catch (error) {
				monitor.faults.report('perf-log', error);
			}
		}
		if (this.#options.caches) {
			try {
				this.#writeCaches();
			} catch (error) {
				monitor.faults.report('perf-log', error);
			}
		}
	}

	/**
	 * Writes the summaries of the calls since the last interval now: called just before a metrics reset, so
	 * that the calls of the cut-short interval are in the log before their series are zeroed.
	 */
	beforeReset(): void {
		if (!this.#closed) this.#writeSummaries();
	}

	#writeSummaries(): void {
		try {
			for (const fields of this.#tracker.take(this.#monitor.seriesExports(), Date.now())) this.#stream.write(summaryRecord(fields));
		} catch (error) {
			this.#monitor.faults.report('perf-log', error);
		}
	}

	#writeProcess(): void {
		const memory = process.memoryUsage();
		const now = performance.now();
		const cpu = process.cpuUsage(this.#cpu);
		const elapsedMs = now - this.#cpuAt;
		const elu = performance.eventLoopUtilization(this.#elu);
		this.#cpu = process.cpuUsage();
		this.#cpuAt = now;
		this.#elu = performance.eventLoopUtilization();
		this.#stream.write(
			processRecord({
				rss: memory.rss,
				heapUsed: memory.heapUsed,
				heapTotal: memory.heapTotal,
				external: memory.external,
				arrayBuffers: memory.arrayBuffers,
				cpuPercent: elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : null,
				elu: Number.isFinite(elu.utilization) ? elu.utilization : null,
			}),
		);
	}

	#writeCaches(): void {
		const caches = this.#monitor.cacheSummaries();
		if (!caches) return;
		for (const cache of caches) {
			const state = `${cache.size}/${cache.hits}/${cache.misses}/${cache.sets}/${cache.evictions}/${cache.expirations}/${cache.deletes}/${cache.fetches}`;
			if (this.#cacheState.get(cache.name) === state) continue;
			this.#cacheState.set(cache.name, state);
			this.#stream.write(cacheRecord(cache));
		}
	}

	async flush(): Promise<void> {
		this.#tick();
		await this.#stream.ready;
		this.#stream.flushSync();
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#tick();
		this.#stream.write(stopRecord('close'));
		this.#closed = true;
		clearInterval(this.#timer);
		this.#off();
		this.#removeShutdown();
		await this.#stream.close();
	}
}
