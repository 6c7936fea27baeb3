/**
 * Command-line options of the example host (host.ts), parsed and checked.
 */
import {parseArgs} from 'node:util';
import {PLUGIN_NAMES, type PluginName} from './service.js';

/** The host's --help text. */
export const HOST_USAGE = `Usage: host.ts [options]
  --socket <path>        serve perftop clients on this socket (default: none)
  --port <n>             HTTP port on 127.0.0.1 (default: any free port)
  --rate <n>             built-in load, requests per second (default 0: none)
  --concurrency <n>      built-in closed-loop load with n workers instead of a rate
  --data-dir <dir>       database and receipts (default: plugins-example/data, else a temp dir)
  --log-dir <dir>        write the performance log there
  --unmonitored          monitoring off (enabled: false, no socket, no samplers)
  --exclude <a,b>        plugins not to load (of: ${PLUGIN_NAMES.join(', ')})
  --leak-bytes <n>       bytes the leaky activity-feed plugin retains per request (default 2048)
  --memory-increase <r>  memory budget threshold, ratio over baseline RSS (default 0.2)
  --sample-ms <n>        process sampling interval while watched (default: perftop's)
  --warmup-ms <n>        memory budget warm-up before the baseline RSS (default: perftop's, 30 s)
  --heap-growth-ms <n>   shortest span of rising post-GC heap that counts as growth (default: perftop's, 5 min)
  --heap-growth-gcs <n>  rising major GCs in a row that count as growth (default: perftop's, 5)
  --exit-with-stdin      stop when stdin ends (for parent processes)`;

/** The host's options. */
export interface HostOptions {
	socket: string | undefined;
	port: number | undefined;
	rate: number;
	concurrency: number | undefined;
	dataDir: string | undefined;
	logDir: string | undefined;
	monitored: boolean;
	exclude: PluginName[];
	leakBytes: number | undefined;
	memoryIncrease: number | undefined;
	sampleMs: number | undefined;
	warmupMs: number | undefined;
	heapGrowthMs: number | undefined;
	heapGrowthGcs: number | undefined;
	exitWithStdin: boolean;
	help: boolean;
}

/** Parses host arguments; throws an Error with a one-line message for bad ones. */
export function parseHostArgs(args: string[]): HostOptions {
	const {values} = parseArgs({
		args,
		options: {
			socket: {type: 'string'},
			port: {type: 'string'},
			rate: {type: 'string'},
			concurrency: {type: 'string'},
			'data-dir': {type: 'string'},
			'log-dir': {type: 'string'},
			unmonitored: {type: 'boolean'},
			exclude: {type: 'string'},
			'leak-bytes': {type: 'string'},
			'memory-increase': {type: 'string'},
			'sample-ms': {type: 'string'},
			'warmup-ms': {type: 'string'},
			'heap-growth-ms': {type: 'string'},
			'heap-growth-gcs': {type: 'string'},
			'exit-with-stdin': {type: 'boolean'},
			help: {type: 'boolean'},
		},
	});
	const number = (name: string, raw: string | undefined, min: number, whole = false): number | undefined => {
		if (raw === undefined) return undefined;
		const value = Number(raw);
		if (raw.trim() === '' || !Number.isFinite(value) || value < min || (whole && !Number.isInteger(value))) throw new Error(`--${name} must be a ${whole ? 'whole ' : ''}number >= ${min}`);
		return value;
	};
	const exclude = values.exclude ? values.exclude.split(',').map(name => name.trim()) : [];
	for (const name of exclude) if (!(PLUGIN_NAMES as readonly string[]).includes(name)) throw new Error(`--exclude: unknown plugin '${name}'`);
	const rate = number('rate', values.rate, 0) ?? 0;
	const concurrency = number('concurrency', values.concurrency, 1, true);
	if (rate > 0 && concurrency !== undefined) throw new Error('give --rate or --concurrency, not both');
	return {
		socket: values.socket,
		port: number('port', values.port, 0, true),
		rate,
		concurrency,
		dataDir: values['data-dir'],
		logDir: values['log-dir'],
		monitored: !values.unmonitored,
		exclude: exclude as PluginName[],
		leakBytes: number('leak-bytes', values['leak-bytes'], 0, true),
		memoryIncrease: number('memory-increase', values['memory-increase'], 0),
		sampleMs: number('sample-ms', values['sample-ms'], 10, true),
		warmupMs: number('warmup-ms', values['warmup-ms'], 0, true),
		heapGrowthMs: number('heap-growth-ms', values['heap-growth-ms'], 0, true),
		heapGrowthGcs: number('heap-growth-gcs', values['heap-growth-gcs'], 1, true),
		exitWithStdin: values['exit-with-stdin'] ?? false,
		help: values.help ?? false,
	};
}
