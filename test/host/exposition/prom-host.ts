/**
 * A monitored host for the Prometheus end-to-end test and the scale bench: a PerformanceMonitor serving
 * `/metrics` on 127.0.0.1 (a free port) that records known durations. Prints `READY <url> <json>` where the JSON
 * holds perftop's own p95 (ms) of each recorded series.
 *
 * Args: --plugins <n> (default 1) x --hooks <n> (default 1) series, --calls <n> per series (default 1000):
 * durations spread evenly over 0.5..30 ms, rotated per series so the series differ; --scrape-free (no endpoint:
 * the bench's reference). Stdin: `loop` prints `LOOP <p99 ms>` (event-loop delay p99 since the last `loop`,
 * 10 ms resolution) and resets it; `exit` stops and exits 0.
 */
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {createInterface} from 'node:readline';
import {PerformanceMonitor} from '../../../source/index.js';

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(name);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const plugins = argument('--plugins', 1);
const hooks = argument('--hooks', 1);
const calls = argument('--calls', 1000);
const monitor = new PerformanceMonitor({
	name: 'prom-host',
	samplers: {intervalMs: 1000},
	alerts: false,
	seriesCap: plugins * hooks + 10,
	...(process.argv.includes('--scrape-free') ? {} : {prometheus: {port: 0}}),
});
await monitor.start({strict: true});
const p95: Record<string, number | null> = {};
for (let plugin = 0; plugin < plugins; plugin++) {
	for (let hook = 0; hook < hooks; hook++) {
		const name = plugins === 1 ? 'pricing' : `plugin-${plugin}`;
		const op = hooks === 1 ? 'quote' : `hook${hook}`;
		for (let call = 0; call < calls; call++) monitor.record(op, 0.5 + (((call + plugin + hook) % calls) * 29.5) / calls, {plugin: name, kind: 'hook'});
		p95[`${name}/${op}`] = monitor.series(op, name, 'hook').stats().p95Ms;
	}
}
// Every other family too, with names that need escaping, so a real scraper parses all of them.
monitor.recordPluginLoad({name: 'broken "one"', source: null, state: 'failed', loadMs: 4, loadBytes: -2048, loadMemoryMode: 'heap-delta', error: 'Cannot find module \'x\'\n    at stack'});
const cache = monitor.createCache<string, {value: number}>('users', {max: 2});
for (const key of ['a', 'b', 'a', 'c', 'a']) if (cache.get(key) === undefined) cache.set(key, {value: key.length});
const loop = monitorEventLoopDelay({resolution: 10});
loop.enable();
process.stdout.write(`READY ${monitor.prometheus?.url ?? '-'} ${plugins * hooks <= 10 ? JSON.stringify(p95) : '{}'}\n`);
createInterface({input: process.stdin}).on('line', line => {
	if (line === 'loop') {
		process.stdout.write(`LOOP ${loop.percentile(99) / 1e6}\n`);
		loop.reset();
	} else if (line === 'exit') void monitor.stop().then(() => process.exit(0));
});
process.stdin.on('end', () => void monitor.stop().then(() => process.exit(0)));
