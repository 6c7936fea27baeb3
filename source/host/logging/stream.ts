/**
 * The file side of the performance log: pino writing JSON lines into a pino-roll rotated set, in the host's
 * thread with synchronous writes. The log writes a few lines per interval (never one per call), so a
 * worker thread would cost more memory than it saves; synchronous writes mean a line handed to pino is in
 * the file, so nothing is lost on exit or on a signal. Opening is asynchronous (pino-roll looks for the
 * last file number): lines written meanwhile wait in a bounded queue. pino and pino-roll (with the date
 * library pino-roll loads) are imported only then, so a host without a perf log never loads them (bench row
 * `host-import-ms`).
 * Failures (unwritable directory, full disk) are reported once through faults; writing then continues to
 * try, holding at most `maxBufferBytes`, and monitoring goes on either way.
 */
import {appendFileSync, mkdirSync, readdirSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import type {Logger} from 'pino';
import type {RollStream} from 'pino-roll';
import type {Faults} from '../faults/faults.js';
import type {ResolvedPerfLogOptions} from './options.js';
import type {PerfLogRecord} from '../../protocol/perf-log.js';

/** Records kept while the file is being opened. */
const PENDING_CAP = 10_000;

/** The pino level a perf-log record is written at. */
export type RecordLevel = 'info' | 'warn';

/** The perf log's writer: pino over pino-roll (loaded when the log opens), with records kept while the file opens, drops counted, and a flush on close. */
export class LogStream {
	/** Lines dropped because the writer's buffer was full or the log never opened. */
	dropped = 0;
	readonly #options: ResolvedPerfLogOptions;
	readonly #faults: Faults;
	readonly #pending: Array<[RecordLevel, PerfLogRecord]> = [];
	readonly #opened: Promise<void>;
	#logger: Logger | null = null;
	#stream: RollStream | null = null;
	#failed = false;
	#closed = false;

	constructor(options: ResolvedPerfLogOptions, faults: Faults) {
		this.#options = options;
		this.#faults = faults;
		this.#opened = this.#open();
	}

	async #open(): Promise<void> {
		const {dir, name, size, frequency, files, maxBufferBytes} = this.#options;
		try {
			mkdirSync(dir, {recursive: true});
			const [{default: pino}, {default: pinoRoll}] = await Promise.all([import('pino'), import('pino-roll')]);
			const stream = await pinoRoll({
				file: join(dir, name),
				extension: 'log',
				size,
				frequency,
				limit: {count: files, removeOtherLogFiles: true},
				sync: true,
				maxLength: maxBufferBytes,
			});
			stream.on('error', (error: unknown) => this.#faults.report('perf-log', error));
			stream.on('drop', () => {
				this.dropped++;
				this.#faults.report('perf-log-drop', new Error('perf log buffer full (disk refusing writes?); lines are dropped'));
			});
			if (this.#closed) {
				stream.end();
				return;
			}
			this.#stream = stream;
			this.#logger = pino({level: 'info'}, stream);
			for (const [level, record] of this.#pending.splice(0)) this.write(record, level);
		} catch (error) {
			this.#failed = true;
			this.dropped += this.#pending.length;
			this.#pending.length = 0;
			this.#faults.report('perf-log', error);
		}
	}

	/** Resolves once the file is open (or failed to open). */
	get ready(): Promise<void> {
		return this.#opened;
	}

	/** Writes one record as one line. Never throws. */
	write(record: PerfLogRecord, level: RecordLevel = 'info'): void {
		if (this.#closed || this.#failed) return;
		const logger = this.#logger;
		if (logger === null) {
			if (this.#pending.length < PENDING_CAP) this.#pending.push([level, record]);
			else this.dropped++;
			return;
		}
		try {
			logger[level](record);
		} catch (error) {
			this.#faults.report('perf-log', error);
		}
	}

	/**
	 * Writes out anything held, synchronously (for process exit). Never throws. Writes are synchronous,
	 * so once the file is open nothing is held except what a failing disk refused; SonicBoom's own
	 * flushSync would retry that forever (it sleeps and loops on ENOSPC), so it is not called.
	 */
	flushSync(): void {
		try {
			if (!this.#stream && this.#pending.length > 0 && !this.#failed) this.#writePendingSync();
		} catch (error) {
			this.#faults.report('perf-log', error);
		}
	}

	/**
	 * Exit came before pino-roll opened the file: append the queued lines to the file it would have
	 * opened (the highest numbered one), in pino's format.
	 */
	#writePendingSync(): void {
		const {dir, name} = this.#options;
		let number = 1;
		const pattern = new RegExp(`^${name}\\.(\\d+)\\.log$`);
		for (const entry of readdirSync(dir)) {
			const match = pattern.exec(entry);
			if (match) number = Math.max(number, Number(match[1]));
		}
		const base = {pid: process.pid, hostname: hostname()};
		const lines = this.#pending.splice(0).map(([level, record]) => JSON.stringify({level: level === 'warn' ? 40 : 30, time: Date.now(), ...base, ...record}) + '\n');
		appendFileSync(join(dir, `${name}.${number}.log`), lines.join(''));
	}

	/** Flushes and closes the file. */
	async close(): Promise<void> {
		if (this.#closed) return;
		await this.#opened;
		this.flushSync();
		this.#closed = true;
		const stream = this.#stream;
		this.#stream = null;
		this.#logger = null;
		if (!stream) return;
		await new Promise<void>(resolve => {
			const timer = setTimeout(() => {
				// A disk that refuses the last bytes never lets the stream close by itself.
				stream.destroy();
				resolve();
			}, 1000);
			stream.once('close', () => {
				clearTimeout(timer);
				resolve();
			});
			try {
				stream.end();
			} catch (error) {
				this.#faults.report('perf-log', error);
				clearTimeout(timer);
				stream.destroy();
				resolve();
			}
		});
	}
}
