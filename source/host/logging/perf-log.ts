// STUB (replaced by the perf-log work): pino + pino-roll performance log.
import type {MonitorHandle} from '../handle.js';

export interface PerfLogOptions {
	/** Directory for the log files. */
	dir: string;
}

export interface PerfLog {
	close(): Promise<void>;
}

export function startPerfLog(_monitor: MonitorHandle, _options: PerfLogOptions): PerfLog {
	return {close: async () => {}};
}
