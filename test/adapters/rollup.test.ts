/**
 * perftop/rollup against real Rollup 4 builds with @rollup/plugin-node-resolve, commonjs and json: hooks are
 * attributed by plugin name, `{order, handler}` hooks and plugins inserted by other plugins are counted, busy
 * time stays within the build's wall time although hook calls overlap, the output is byte-identical, and the
 * plugins get their original hooks back.
 */
import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {setTimeout as sleep} from 'node:timers/promises';
import {nodeResolve} from '@rollup/plugin-node-resolve';
import {rollup, watch, type InputPluginOption, type OutputChunk, type OutputAsset, type OutputOptions, type Plugin} from 'rollup';
import {PerformanceMonitor, type PluginSummary} from '../../source/index.js';
import {perftopRollup} from '../../source/adapters/rollup.js';
import {runReadmeExample} from '../helpers/readme-example.js';
import {commonjs, json, projectOptions, projectOutput, writeRollupProject, type RollupProject} from './rollup-project.js';

const dirs: string[] = [];
after(() => {
	for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
});

function newProject(size?: number): RollupProject {
	const dir = mkdtempSync(join(tmpdir(), 'perftop-rollup-'));
	dirs.push(dir);
	return writeRollupProject(dir, size);
}

const newMonitor = (options: ConstructorParameters<typeof PerformanceMonitor>[0] = {}) => new PerformanceMonitor({samplers: false, alerts: false, ...options});

/** What a build gives back: every output file as text, the build's wall time, and the warnings. */
interface Built {
	files: Array<{fileName: string; text: string; map: string | null}>;
	wallMs: number;
	warnings: string[];
}

/** A whole build: rollup(), generate(), close(), timed around all three. */
async function build(project: RollupProject, plugins: InputPluginOption[], output: OutputOptions = projectOutput): Promise<Built> {
	const warnings: string[] = [];
	const started = process.hrtime.bigint();
	const bundle = await rollup(projectOptions(project, plugins, warnings));
	const generated = await bundle.generate(output);
	await bundle.close();
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	const files = generated.output.map((file: OutputChunk | OutputAsset) =>
		file.type === 'chunk' ? {fileName: file.fileName, text: file.code, map: file.map ? file.map.toString() : null} : {fileName: file.fileName, text: String(file.source), map: null},
	);
	return {files, wallMs, warnings};
}

/** The total length of the union of intervals [start, end] (ms). */
function unionMs(intervals: Array<[number, number]>): number {
	let total = 0;
	let until = -Infinity;
	for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
		if (end <= until) continue;
		total += end - Math.max(start, until);
		until = end;
	}
	return total;
}

const plugin = (monitor: PerformanceMonitor, name: string): PluginSummary | undefined => monitor.getPluginPerformance(name);
const hook = (monitor: PerformanceMonitor, name: string, op: string) => plugin(monitor, name)?.hooks.find(series => series.op === op);
const sumMs = (summary: PluginSummary) => summary.hooks.reduce((total, series) => total + series.totalMs, 0);

test('a real build: every plugin busy at most the wall time, {handler} hooks and the inserted commonjs--resolver counted', async () => {
	const project = newProject();
	const monitor = newMonitor();
	const resolve = nodeResolve();
	assert.equal(typeof resolve.resolveId, 'object', "node-resolve's resolveId is an {order, handler} object (what this test is about)");
	// A plugin whose work is known: each transform waits 10 ms, and Rollup runs them side by side. Its calls'
	// intervals, taken inside the hook, give the union its busy time must hold.
	const intervals: Array<[number, number]> = [];
	const slow: Plugin = {
		name: 'slow-transform',
		async transform() {
			const start = performance.now();
			await sleep(10);
			intervals.push([start, performance.now()]);
			return null;
		},
	};
	const built = await build(project, [perftopRollup({monitor}), resolve, commonjs(), json(), slow]);
	assert.deepEqual(built.warnings, []);
	assert.equal(built.files.filter(file => file.fileName.endsWith('.js')).length, 3, 'main, a shared chunk and the lazy chunk');

	const names = monitor.getPerformanceSummary().plugins.map(summary => summary.name).sort();
	assert.deepEqual(names, ['commonjs', 'commonjs--resolver', 'json', 'node-resolve', 'slow-transform']);
	for (const name of names) {
		const summary = plugin(monitor, name)!;
		assert.ok(summary.busyMs !== undefined && summary.busyMs > 0, `${name} has busy time`);
		assert.ok(summary.busyMs <= built.wallMs, `${name}: busy ${summary.busyMs} ms <= the build's ${built.wallMs} ms`);
	}
	// Busy time that froze, stayed 0 or counted overlapping calls once each would miss this: at least the union
	// of the intervals measured inside the hook (1 ms of slack for the clocks), far less than their sum.
	const union = unionMs(intervals);
	const sum = intervals.reduce((total, [start, end]) => total + end - start, 0);
	const slowBusy = plugin(monitor, 'slow-transform')!.busyMs!;
	assert.ok(intervals.length >= project.modules && union >= 10, `${intervals.length} transforms, ${union} ms`);
	assert.ok(slowBusy >= union - 1, `slow-transform busy ${slowBusy} ms, its calls' union ${union} ms`);
	assert.ok(sum > union + 10, `the transforms overlapped: sum ${sum} ms, union ${union} ms`);
	assert.ok(slowBusy < sum, `overlapping calls counted once: busy ${slowBusy} ms, sum ${sum} ms`);
	// resolveId runs for every import of every module at once: its calls overlap, so their durations add up to
	// more than the time node-resolve was busy. Without busy time that sum would be its share of the build.
	const resolver = plugin(monitor, 'node-resolve')!;
	assert.ok(sumMs(resolver) > resolver.busyMs!, `overlapping calls: sum ${sumMs(resolver)} ms > busy ${resolver.busyMs} ms`);

	// Every module is resolved (the ES and CommonJS files, the JSON files, the package), through the {handler} object.
	assert.ok((hook(monitor, 'node-resolve', 'resolveId')?.count ?? 0) >= project.modules, 'node-resolve resolveId counted');
	assert.ok((hook(monitor, 'commonjs--resolver', 'resolveId')?.count ?? 0) >= project.modules, 'the resolver commonjs inserts in its options hook is counted');
	// The other hooks, sync and async, including those Rollup calls before any module is read.
	assert.equal(hook(monitor, 'commonjs', 'options')?.count, 1, "commonjs's own options hook");
	assert.equal(hook(monitor, 'node-resolve', 'buildStart')?.count, 1);
	assert.equal(hook(monitor, 'commonjs', 'buildEnd')?.count, 1);
	assert.equal(hook(monitor, 'node-resolve', 'generateBundle')?.count, 1, 'output-phase hooks');
	assert.ok((hook(monitor, 'json', 'transform')?.count ?? 0) >= project.modules - 3, 'json transform');
	assert.ok((hook(monitor, 'commonjs', 'transform')?.count ?? 0) >= project.modules - 3, 'commonjs transform');
	for (const summary of monitor.getPerformanceSummary().plugins) for (const series of summary.hooks) assert.equal(series.kind, 'hook');
	const shares = monitor.getPerformanceSummary().plugins.reduce((total, summary) => total + summary.hookShare, 0);
	assert.ok(Math.abs(shares - 1) < 1e-9, `shares add up to 1, got ${shares}`);
});

test('the output is byte-identical with and without the adapter', async () => {
	const project = newProject();
	const bare = await build(project, [nodeResolve(), commonjs(), json()]);
	const monitored = await build(project, [perftopRollup({monitor: newMonitor()}), nodeResolve(), commonjs(), json()]);
	assert.ok(bare.files.length >= 6);
	assert.deepEqual(monitored.files, bare.files);
	const es = await build(project, [nodeResolve(), commonjs(), json()], {format: 'cjs', sourcemap: false, exports: 'named'});
	const esMonitored = await build(project, [perftopRollup({monitor: newMonitor()}), nodeResolve(), commonjs(), json()], {format: 'cjs', sourcemap: false, exports: 'named'});
	assert.deepEqual(esMonitored.files, es.files, 'also as CommonJS output');
});

test('bundle.close() gives every plugin its original hooks back, and later builds are not recorded', async () => {
	const project = newProject(3);
	const monitor = newMonitor();
	const plugins = [nodeResolve(), commonjs(), json()];
	const before = plugins.map(entry => ({...entry}));
	const perftop = perftopRollup({monitor});
	const bundle = await rollup(projectOptions(project, [perftop, ...plugins]));
	assert.notEqual((plugins[0] as Plugin).load, before[0]!.load, 'instrumented during the build');
	assert.deepEqual(perftop.api?.instrumented().sort(), ['commonjs', 'commonjs--resolver', 'json', 'node-resolve']);
	await bundle.generate(projectOutput);
	await bundle.close();
	assert.deepEqual(perftop.api?.instrumented(), []);
	for (const [index, entry] of plugins.entries()) {
		assert.deepEqual(Object.keys(entry), Object.keys(before[index]!));
		for (const key of Object.keys(entry)) assert.equal((entry as unknown as Record<string, unknown>)[key], (before[index] as Record<string, unknown>)[key], `${entry.name}.${key} is the original`);
	}
	const calls = plugin(monitor, 'json')!.calls.count;
	const again = await rollup(projectOptions(project, plugins));
	await again.generate(projectOutput);
	await again.close();
	assert.equal(plugin(monitor, 'json')!.calls.count, calls, 'nothing recorded without the adapter');
});

test('the same plugins in a second build with the adapter are instrumented again, once', async () => {
	const project = newProject(3);
	const monitor = newMonitor();
	const plugins = [nodeResolve(), commonjs(), json()];
	await build(project, [perftopRollup({monitor}), ...plugins]);
	const first = hook(monitor, 'json', 'transform')!.count;
	await build(project, [perftopRollup({monitor}), ...plugins]);
	assert.equal(hook(monitor, 'json', 'transform')!.count, 2 * first, 'each call recorded once per build');
});

test('rollup.watch: every rebuild is timed, and each closed result gives the hooks back', async () => {
	const project = newProject(3);
	const monitor = newMonitor();
	const jsonPlugin = json();
	const transform = jsonPlugin.transform;
	const watcher = watch({input: project.input, plugins: [perftopRollup({monitor}), nodeResolve(), commonjs(), jsonPlugin], output: {dir: join(project.dir, 'dist'), format: 'es'}, watch: {buildDelay: 50}});
	const counts: number[] = [];
	const restored: boolean[] = [];
	try {
		await new Promise<void>((resolve, reject) => {
			setTimeout(() => reject(new Error(`no rebuild within 60 s (builds seen: ${counts.length})`)), 60_000).unref();
			watcher.on('event', event => {
				if (event.code === 'ERROR') reject(event.error);
				if (event.code !== 'BUNDLE_END') return;
				void event.result.close().then(() => {
					counts.push(hook(monitor, 'json', 'transform')?.count ?? 0);
					restored.push(jsonPlugin.transform === transform);
					// A change to one module: Rollup rebuilds it (and what its cache cannot keep) in a second build.
					if (counts.length === 1) setTimeout(() => appendFileSync(join(project.dir, 'src', 'lazy.js'), '\n// changed\n'), 200);
					else resolve();
				}, reject);
			});
		});
	} finally {
		await watcher.close();
	}
	assert.ok(counts[0]! > 0, 'the first build is timed');
	assert.ok(counts[1]! > counts[0]!, `the rebuild is timed too (${counts.join(' -> ')} transform calls)`);
	assert.deepEqual(restored, [true, true]);
});

test('async hooks are timed to settlement; errors are counted and Rollup reports the same failure', async () => {
	const project = newProject(2);
	const slowLoad: Plugin = {
		name: 'slow-load',
		async load(id) {
			if (id.endsWith('lazy.js')) await sleep(30);
			return null;
		},
	};
	const monitor = newMonitor();
	await build(project, [perftopRollup({monitor}), slowLoad, nodeResolve(), commonjs(), json()]);
	const load = hook(monitor, 'slow-load', 'load')!;
	assert.ok((load.maxMs ?? 0) >= 25, `the slow load is timed to its settlement (30 ms sleep, 5 ms tolerance): max ${load.maxMs} ms`);

	const broken = (): Plugin => ({
		name: 'broken',
		transform(_code, id) {
			if (id.endsWith('lazy.js')) throw new Error('cannot transform lazy.js');
			return null;
		},
	});
	const failure = async (plugins: InputPluginOption[]) => {
		try {
			await build(project, plugins);
		} catch (error) {
			return error as Error & {plugin?: string; hook?: string};
		}
		assert.fail('the build should fail');
	};
	const bare = await failure([broken(), nodeResolve(), commonjs(), json()]);
	const failing = newMonitor();
	const brokenPlugin = broken();
	const originalTransform = brokenPlugin.transform;
	const monitored = await failure([perftopRollup({monitor: failing}), brokenPlugin, nodeResolve(), commonjs(), json()]);
	assert.equal(monitored.message, bare.message);
	assert.equal(monitored.plugin, bare.plugin, 'Rollup names the same plugin');
	assert.equal(monitored.hook, bare.hook);
	assert.equal(hook(failing, 'broken', 'transform')?.errors, 1);
	assert.equal(brokenPlugin.transform, originalTransform, 'a failed build gives the hooks back too (Rollup calls closeBundle)');
});

test('output plugins, class-based plugins and unnamed plugins are covered', async () => {
	const project = newProject(2);
	class Banner {
		readonly name = 'banner';
		renderChunk(code: string) {
			return `/* built */\n${code}`;
		}
	}
	const counting: Plugin = {name: 'output-only', generateBundle() {}, renderChunk: {order: 'post', handler: () => null}};
	const unnamed = {transform: () => null} as unknown as Plugin;
	class Helper {}
	const helperSeen: unknown[] = [];
	const withClass = {name: 'with-class', Helper, transform: () => void helperSeen.push(withClass.Helper)};
	const monitor = newMonitor();
	const built = await build(project, [perftopRollup({monitor}), new Banner() as unknown as Plugin, unnamed, withClass as unknown as Plugin, nodeResolve(), commonjs(), json()], {...projectOutput, plugins: [counting]});
	assert.ok(built.files.find(file => file.fileName === 'main.js')!.text.startsWith('/* built */'));
	assert.equal(hook(monitor, 'banner', 'renderChunk')?.count, 3, 'a method on the prototype, once per chunk');
	assert.equal(hook(monitor, 'output-only', 'renderChunk')?.count, 3, 'an output plugin');
	assert.equal(hook(monitor, 'output-only', 'generateBundle')?.count, 1);
	const anonymous = monitor.getPerformanceSummary().plugins.find(summary => summary.name.startsWith('at position'));
	assert.ok(anonymous && (anonymous.hooks.find(series => series.op === 'transform')?.count ?? 0) > 0, 'an unnamed plugin under the name Rollup gives it');
	assert.equal(Object.hasOwn(new Banner(), 'renderChunk'), false);
	assert.ok(helperSeen.length > 0 && helperSeen.every(value => value === Helper), 'a class stored on a plugin is never wrapped');
});

test('a frozen plugin builds as before, untimed, with one instrument fault; the other plugins are still timed', async () => {
	const project = newProject(2);
	const faults: string[] = [];
	const monitor = newMonitor({onFault: kind => faults.push(kind)});
	let transforms = 0;
	const frozen = Object.freeze({name: 'frozen', transform: () => void transforms++}) as unknown as Plugin;
	await build(project, [perftopRollup({monitor}), frozen, nodeResolve(), commonjs(), json()]);
	assert.ok(transforms > 0, 'its hook ran');
	assert.equal(monitor.getPluginPerformance('frozen'), undefined, 'no empty series for it either');
	assert.deepEqual(faults, ['instrument']);
	assert.ok((hook(monitor, 'json', 'transform')?.count ?? 0) > 0);
});

test('a disabled monitor leaves every hook as it is and records nothing', async () => {
	const project = newProject(2);
	const monitor = newMonitor({enabled: false});
	const resolve = nodeResolve();
	const resolveId = resolve.resolveId;
	const bundle = await rollup(projectOptions(project, [perftopRollup({monitor}), resolve, commonjs(), json()]));
	assert.equal(resolve.resolveId, resolveId);
	await bundle.generate(projectOutput);
	await bundle.close();
	assert.deepEqual(monitor.getPerformanceSummary().plugins, []);
});

test('the readme example runs and prints each plugin with its busy time', async () => {
	const {stdout} = await runReadmeExample('rollup');
	assert.match(stdout, /node-resolve\s+resolveId\s+\d+ calls/);
	assert.match(stdout, /commonjs--resolver/);
	assert.match(stdout, /busy \d+(\.\d+)? ms of \d+(\.\d+)? ms/);
});
