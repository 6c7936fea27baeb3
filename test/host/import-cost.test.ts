import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {test} from 'node:test';

const root = join(import.meta.dirname, '..', '..');

/** Module resolution hooks that post every resolved URL to the port they are given. */
const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	port.postMessage(result.url);
	return result;
}
`;

/**
 * In a child (tsx, the sources): imports the host library and notes the modules loaded so far, then starts a
 * monitor with a socket, a perf log and the system source named by argv[1], watched, takes a sample, stops
 * it, and prints both lists.
 */
const CHILD = `
import {createRequire, register} from 'node:module';
import {MessageChannel} from 'node:worker_threads';
const {port1, port2} = new MessageChannel();
const seen = new Set();
port1.on('message', url => seen.add(url));
// CommonJS files required from CommonJS (pino-roll's date-fns) never pass the hooks: their cache is read too.
const cjs = createRequire(import.meta.url).cache;
const modules = () => [...seen, ...Object.keys(cjs)];
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}), {data: {port: port2}, transferList: [port2]});
const settle = () => new Promise(resolve => setTimeout(resolve, 100));
const perftop = await import('perftop');
await settle();
const imported = modules();
const {mkdtempSync, existsSync, rmSync} = await import('node:fs');
const {tmpdir} = await import('node:os');
const {join} = await import('node:path');
const dir = mkdtempSync(join(tmpdir(), 'pic-'));
const monitor = new perftop.PerformanceMonitor({name: 'import-cost', socket: join(dir, 'h.sock'), log: {dir}, alerts: false, samplers: {system: {source: process.argv[1]}}});
await monitor.start({strict: true});
monitor.setWatchers(1);
await monitor.samplers.sampleNow();
while (!existsSync(join(dir, 'perf.1.log'))) await new Promise(resolve => setTimeout(resolve, 10));
await monitor.stop();
rmSync(dir, {recursive: true, force: true});
await settle();
port1.close();
process.stdout.write(JSON.stringify({imported, started: modules()}));
`;

function loaded(systemSource: 'proc' | 'worker'): {imported: string[]; started: string[]} {
	const output = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--input-type=module', '-e', CHILD, systemSource], {
		cwd: root,
		encoding: 'utf8',
		env: {...process.env, PERFTOP_QUIET_FAULTS: '1'},
		timeout: 60_000,
	});
	return JSON.parse(output) as {imported: string[]; started: string[]};
}

/** What importing the host library must not load, each loaded only once a monitor needs it. */
const DEFERRED: Array<[string, RegExp]> = [
	['pino', /\/node_modules\/pino\//],
	['pino-roll', /\/node_modules\/pino-roll\//],
	['date-fns', /\/node_modules\/date-fns\//],
	['pidusage', /\/node_modules\/pidusage\//],
	['the socket server', /\/host\/ipc\/socket-server\.ts$/],
	['the system sampler', /\/host\/samplers\/system-sampler\.ts$/],
	['the /proc system source', /\/host\/samplers\/proc-source\.ts$/],
	['the cgroup reader', /\/host\/samplers\/cgroup\.ts$/],
];

test("import 'perftop' loads no log writer, no socket server, no pidusage and no system sampling; a started monitor loads what it uses", () => {
	const {imported, started} = loaded('proc');
	assert.ok(imported.some(url => url.endsWith('/source/index.ts')), 'the child imported the sources');
	for (const [name, pattern] of DEFERRED) {
		assert.equal(imported.find(url => pattern.test(url)), undefined, `${name} is not loaded by the import`);
		assert.ok(started.some(url => pattern.test(url)), `${name} is loaded once a monitor uses it`);
	}
	assert.equal(started.find(url => /\/host\/samplers\/worker-source\.ts$/.test(url)), undefined, 'the /proc source does not load the worker source');
});

test('the worker system source and systeminformation load only when the worker source is chosen, systeminformation only in the worker', () => {
	const {imported, started} = loaded('worker');
	assert.equal(imported.find(url => /worker-source\.ts$|system-worker\.ts$/.test(url)), undefined, 'the import loads no worker source');
	assert.ok(started.some(url => url.endsWith('/host/samplers/worker-source.ts')), 'a watched monitor loads the worker source');
	assert.equal(started.find(url => /\/node_modules\/systeminformation\//.test(url)), undefined, 'systeminformation is not loaded in the host thread');
});
