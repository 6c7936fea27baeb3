/**
 * A host for the signal tests: records a known number of calls and slow calls with the perf log on, says
 * `ready` on stdout, then idles until a signal arrives. argv: <log dir> <calls> <slow calls>.
 */
import {PerformanceMonitor} from '../../../source/index.js';

const [dir, calls, slowCalls] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
const monitor = new PerformanceMonitor({
	log: {dir, summaryIntervalMs: 60_000, slowLogIntervalMs: 0, process: false},
	thresholds: {responseTime: 100},
	samplers: false,
	alerts: false,
});
await monitor.start();
for (let index = 0; index < calls; index++) monitor.record(`op${index % 7}`, 1 + (index % 50), {plugin: `plugin${index % 3}`});
for (let index = 0; index < slowCalls; index++) monitor.record('slow', 200 + index, {plugin: 'laggy'});
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
