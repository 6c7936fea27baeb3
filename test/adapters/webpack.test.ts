/**
 * PerftopWebpackPlugin on a real webpack build of a small project in a temp dir, with real plugins (DefinePlugin,
 * BannerPlugin) and plugins of our own that tap with every tap type under a tap name that is not their class name.
 * Timing checks use sleeps of 20 ms or more and a 10 % tolerance against the time measured inside the tap.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import webpack, {type Compiler, type Configuration} from 'webpack';
import {PerformanceMonitor} from 'perftop';
import {PerftopWebpackPlugin} from 'perftop/tapable';
import {runReadmeExample} from '../helpers/readme-example.js';

const TOLERANCE = 0.1;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function block(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Time measured inside the taps of {@link BuildStepsPlugin}, by hook. */
interface Measured {
	emit: number;
	processAssets: number;
	seal: number;
	expressions: number;
}

/**
 * A plugin of our own: a callback tap, a promise tap and a sync tap with known sleeps, and a parser HookMap tap,
 * all under the tap name 'build-steps' (not its class name), most of them registered after `apply` returned.
 */
class BuildStepsPlugin {
	readonly measured: Measured = {emit: 0, processAssets: 0, seal: 0, expressions: 0};

	apply(compiler: Compiler): void {
		const measured = this.measured;
		compiler.hooks.emit.tapAsync('build-steps', (_compilation, callback) => {
			const start = nowMs();
			setTimeout(() => {
				measured.emit += nowMs() - start;
				callback();
			}, 30);
		});
		compiler.hooks.thisCompilation.tap('build-steps', compilation => {
			compilation.hooks.processAssets.tapPromise({name: 'build-steps', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONS}, async () => {
				const start = nowMs();
				await sleep(25);
				measured.processAssets += nowMs() - start;
			});
			compilation.hooks.seal.tap('build-steps', () => {
				const start = nowMs();
				block(20);
				measured.seal += nowMs() - start;
			});
		});
		compiler.hooks.normalModuleFactory.tap('build-steps', factory => {
			factory.hooks.parser.for('javascript/auto').tap('build-steps', parser => {
				parser.hooks.expression.for('__COUNTED__').tap('build-steps', () => {
					measured.expressions++;
					return undefined;
				});
			});
		});
	}
}

/** A function plugin, as webpack allows them. */
function stampPlugin(this: Compiler, compiler: Compiler): void {
	compiler.hooks.done.tap('stampPlugin', () => {});
}

/** A plugin listed before PerftopWebpackPlugin. */
class EarlyPlugin {
	apply(compiler: Compiler): void {
		compiler.hooks.afterEmit.tap('EarlyPlugin', () => {});
	}
}

/** A small project: two modules that read DefinePlugin's VERSION and use __COUNTED__ three times. */
function writeProject(): string {
	const dir = mkdtempSync(join(tmpdir(), 'perftop-webpack-test-'));
	mkdirSync(join(dir, 'src'));
	writeFileSync(join(dir, 'src', 'index.js'), "import {add} from './add.js';\nconsole.log(add(__COUNTED__, 1), VERSION);\n");
	writeFileSync(join(dir, 'src', 'add.js'), 'export const add = (a, b) => a + b + __COUNTED__ + __COUNTED__;\n');
	return dir;
}

function config(dir: string, plugins: NonNullable<Configuration['plugins']>): Configuration {
	return {mode: 'development', devtool: false, context: dir, entry: './src/index.js', output: {path: join(dir, 'dist')}, infrastructureLogging: {level: 'error'}, plugins};
}

/** Runs one build; resolves with its wall time (ms). */
async function run(compiler: Compiler): Promise<number> {
	const start = nowMs();
	const stats = await new Promise<webpack.Stats | undefined>((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result))));
	const wall = nowMs() - start;
	assert.equal(stats?.hasErrors(), false, stats?.toString());
	return wall;
}

async function close(compiler: Compiler): Promise<void> {
	await new Promise<void>(resolve => compiler.close(() => resolve()));
}

function series(monitor: PerformanceMonitor, plugin: string, op: string) {
	return monitor.getPluginPerformance(plugin)?.hooks.find(hook => hook.op === op);
}

function assertClose(recordedMs: number | undefined, measuredMs: number, sleptMs: number, what: string): void {
	assert.ok(recordedMs !== undefined, `${what}: nothing recorded`);
	assert.ok(measuredMs >= sleptMs - 1, `${what}: measured ${measuredMs} ms inside the tap for a ${sleptMs} ms sleep`);
	assert.ok(Math.abs(recordedMs - measuredMs) <= measuredMs * TOLERANCE, `${what}: recorded ${recordedMs.toFixed(2)} ms, measured ${measuredMs.toFixed(2)} ms inside the tap`);
}

describe('PerftopWebpackPlugin on a real webpack build', () => {
	const dirs: string[] = [];
	const warnings: Error[] = [];
	const onWarning = (warning: Error) => warnings.push(warning);
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	const steps = new BuildStepsPlugin();
	const define = new webpack.DefinePlugin({VERSION: JSON.stringify('1.2.3')});
	const banner = new webpack.BannerPlugin('built by the perftop test');
	const early = new EarlyPlugin();
	const plugins = [early, new PerftopWebpackPlugin({monitor}), define, banner, steps, stampPlugin];
	let compiler: Compiler;
	let wall = 0;

	before(async () => {
		process.on('warning', onWarning);
		const dir = writeProject();
		dirs.push(dir);
		compiler = webpack(config(dir, plugins));
		wall = await run(compiler);
	});

	after(async () => {
		process.off('warning', onWarning);
		await close(compiler);
		for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
	});

	test('callback, promise and sync taps with known sleeps are within 10 %', () => {
		assertClose(series(monitor, 'BuildStepsPlugin', 'compiler:emit')?.totalMs, steps.measured.emit, 30, 'emit (tapAsync)');
		assertClose(series(monitor, 'BuildStepsPlugin', 'compilation:processAssets')?.totalMs, steps.measured.processAssets, 25, 'processAssets (tapPromise)');
		assertClose(series(monitor, 'BuildStepsPlugin', 'compilation:seal')?.totalMs, steps.measured.seal, 20, 'seal (tap)');
	});

	test('parser HookMap taps are counted, once per call', () => {
		assert.equal(steps.measured.expressions, 3);
		assert.equal(series(monitor, 'BuildStepsPlugin', 'parser:expression')?.count, 3);
		const defineParserCalls = monitor.getPluginPerformance('DefinePlugin')?.hooks.filter(hook => hook.op.startsWith('parser:')).reduce((sum, hook) => sum + hook.count, 0) ?? 0;
		assert.ok(defineParserCalls > 0, 'DefinePlugin\'s parser hooks recorded no call');
	});

	test('every tap on the compiler\'s hooks is recorded, under its tap name when no plugin of the build applied it', () => {
		const hooks = compiler.hooks as unknown as Record<string, {taps?: Array<{name: string}>}>;
		const summary = monitor.getPerformanceSummary();
		const recorded = new Set(summary.plugins.flatMap(plugin => plugin.hooks.map(hook => `${plugin.name} ${hook.op}`)));
		let checked = 0;
		for (const key of Object.keys(hooks)) {
			for (const tap of hooks[key]?.taps ?? []) {
				if (tap.name === 'PerftopWebpackPlugin') continue;
				// A tap whose name is no plugin's was registered while another plugin ran (BuildStepsPlugin's
				// 'build-steps', EntryPlugin applied by EntryOptionPlugin's tap): some plugin has the series.
				if (monitor.getPluginPerformance(tap.name) === undefined) assert.ok(summary.plugins.some(plugin => recorded.has(`${plugin.name} compiler:${key}`)), `no series compiler:${key} for ${tap.name}`);
				else assert.ok(recorded.has(`${tap.name} compiler:${key}`), `no series compiler:${key} for ${tap.name}`);
				checked++;
			}
		}
		assert.ok(checked > 20, `${checked} taps checked`);
		const names = monitor.getPerformanceSummary().plugins.map(plugin => plugin.name);
		assert.ok(!names.includes('build-steps'), 'the tap name was not folded into its plugin');
		assert.ok(!names.includes('PerftopWebpackPlugin'), 'perftop\'s own taps are not timed');
		assert.ok(names.includes('BannerPlugin') && names.includes('EarlyPlugin') && names.includes('JavascriptModulesPlugin'));
		assert.equal(monitor.faults.count, 0);
	});

	test('each plugin listed after PerftopWebpackPlugin has its apply recorded as its load, and gets its own apply back', () => {
		for (const name of ['DefinePlugin', 'BannerPlugin', 'BuildStepsPlugin', 'stampPlugin']) {
			const plugin = monitor.getPluginPerformance(name);
			assert.equal(plugin?.state, 'loaded', name);
			assert.ok(typeof plugin.loadMs === 'number' && plugin.loadMs >= 0, `${name} load ${plugin.loadMs}`);
		}
		assert.equal(monitor.getPluginPerformance('EarlyPlugin')?.loadMs, null, 'listed before: no load');
		for (const plugin of [define, banner, steps]) assert.equal(Object.hasOwn(plugin, 'apply'), false);
		assert.deepEqual(compiler.options.plugins, plugins);
	});

	test('no plugin\'s busy time exceeds the build\'s wall time, and a plugin\'s known work is in its busy time', () => {
		const summary = monitor.getPerformanceSummary();
		assert.ok(summary.plugins.length > 20);
		for (const plugin of summary.plugins) {
			assert.ok(plugin.busyMs !== undefined, `${plugin.name} has no busy time`);
			assert.ok(plugin.busyMs <= wall, `${plugin.name}: busy ${plugin.busyMs} ms in a ${wall} ms build`);
		}
		// BuildStepsPlugin's taps run one after another: its busy time holds at least what they measured inside
		// (1 ms of slack for the clocks), so busy time that froze or stayed 0 fails here.
		const known = steps.measured.emit + steps.measured.processAssets + steps.measured.seal;
		const busy = monitor.getPluginPerformance('BuildStepsPlugin')?.busyMs ?? 0;
		assert.ok(known >= 74, `measured ${known} ms inside the taps for sleeps of 30 + 25 + 20 ms`);
		assert.ok(busy >= known - 1, `BuildStepsPlugin busy ${busy} ms, its taps measured ${known} ms`);
	});

	test('no deprecation warning is emitted (and one would have been seen)', async () => {
		await sleep(10);
		assert.deepEqual(warnings.filter(warning => warning.name === 'DeprecationWarning').map(warning => warning.message), []);
		// Reading the deprecated accessor ourselves must be caught by the same listener.
		let compilation: {hooks: Record<string, unknown>} | undefined;
		compiler.hooks.thisCompilation.tap('probe', created => {
			compilation = created as unknown as {hooks: Record<string, unknown>};
		});
		await run(compiler);
		void compilation?.hooks.normalModuleLoader;
		await sleep(10);
		assert.ok(warnings.some(warning => (warning as {code?: string}).code === 'DEP_WEBPACK_COMPILATION_NORMAL_MODULE_LOADER_HOOK'));
	});
});

/**
 * A plugin that configures the build by applying another plugin inside its own `apply`, as app-level plugins
 * and presets do.
 */
class AppConfigPlugin {
	apply(compiler: Compiler): void {
		new webpack.DefinePlugin({APP_NAME: JSON.stringify('shop')}).apply(compiler);
	}
}

describe('PerftopWebpackPlugin attribution', () => {
	test('a tap is charged to the plugin running when it was registered: a DefinePlugin applied inside another plugin is that plugin\'s', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'perftop-webpack-test-'));
		try {
			mkdirSync(join(dir, 'src'));
			// APP_NAME (AppConfigPlugin's DefinePlugin) twice, BUILD_ID (the listed DefinePlugin) three times.
			writeFileSync(join(dir, 'src', 'index.js'), 'console.log(APP_NAME, BUILD_ID);\nconsole.log(APP_NAME, BUILD_ID, BUILD_ID);\n');
			const monitor = new PerformanceMonitor({samplers: false, alerts: false});
			const compiler = webpack(config(dir, [new PerftopWebpackPlugin({monitor}), new AppConfigPlugin(), new webpack.DefinePlugin({BUILD_ID: '42'})]));
			await run(compiler);
			await close(compiler);
			const expressions = (plugin: string) => series(monitor, plugin, 'parser:expression')?.count ?? 0;
			assert.equal(expressions('AppConfigPlugin'), 2, 'the DefinePlugin that AppConfigPlugin applied: its two uses');
			assert.equal(expressions('DefinePlugin'), 3, 'the listed DefinePlugin: its three uses only');
			for (const plugin of ['AppConfigPlugin', 'DefinePlugin']) {
				const ops = monitor.getPluginPerformance(plugin)?.hooks.map(hook => hook.op) ?? [];
				// The chain of registrations: compiler tap in apply -> module factory tap -> parser tap -> expression tap.
				for (const op of ['compiler:compilation', 'normalModuleFactory:parser', 'parser:expression']) assert.ok(ops.includes(op), `${plugin} has ${op}: ${ops.join(', ')}`);
			}
			assert.equal(monitor.faults.count, 0);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('PerftopWebpackPlugin and child compilers', () => {
	test('taps of a child compiler\'s own plugins and of its compilation\'s parser are timed, copied taps once', async () => {
		const dir = writeProject();
		writeFileSync(join(dir, 'src', 'child.js'), 'console.log(__COUNTED__);\n');
		const monitor = new PerformanceMonitor({samplers: false, alerts: false});
		let counted = 0;
		let sealed = 0;
		/** Builds src/child.js in a child compiler, with a plugin of the child's own. */
		class ChildBuildPlugin {
			apply(compiler: Compiler): void {
				compiler.hooks.make.tapAsync('ChildBuildPlugin', (compilation, callback) => {
					const childOnly = {
						apply(child: Compiler) {
							child.hooks.thisCompilation.tap('ChildOnly', childCompilation => {
								childCompilation.hooks.seal.tap('ChildOnly', () => void sealed++);
							});
						},
					};
					const child = compilation.createChildCompiler('child', {filename: 'child.js'}, [new webpack.EntryPlugin(dir, './src/child.js', {name: 'child'}), childOnly]);
					child.runAsChild(error => callback(error ?? undefined));
				});
				compiler.hooks.normalModuleFactory.tap('ChildBuildPlugin', factory => {
					factory.hooks.parser.for('javascript/auto').tap('ChildBuildPlugin', parser => {
						parser.hooks.expression.for('__COUNTED__').tap('ChildBuildPlugin', () => void counted++);
					});
				});
			}
		}
		const compiler = webpack(config(dir, [new PerftopWebpackPlugin({monitor}), new ChildBuildPlugin()]));
		try {
			await run(compiler);
			assert.equal(sealed, 1);
			// The child compiler's plugins are applied inside ChildBuildPlugin's make tap: their taps are its.
			assert.equal(monitor.getPluginPerformance('ChildOnly'), undefined);
			assert.equal(series(monitor, 'ChildBuildPlugin', 'compiler:thisCompilation')?.count, 1);
			assert.equal(series(monitor, 'ChildBuildPlugin', 'compilation:seal')?.count, 1);
			// Three in the main build's modules, one in the child's.
			assert.equal(counted, 4);
			assert.equal(series(monitor, 'ChildBuildPlugin', 'parser:expression')?.count, 4);
			assert.equal(monitor.faults.count, 0);
		} finally {
			await close(compiler);
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('PerftopWebpackPlugin.add', () => {
	test('hooks kept behind a static getter (NormalModule\'s loader hooks) are timed once added', async () => {
		const dir = writeProject();
		const monitor = new PerformanceMonitor({samplers: false, alerts: false});
		const perftop = new PerftopWebpackPlugin({monitor});
		let loaded = 0;
		/** Taps the loader hook of every module, a hook webpack keeps per compilation behind a getter. */
		class LoaderHookPlugin {
			apply(compiler: Compiler): void {
				compiler.hooks.thisCompilation.tap('LoaderHookPlugin', compilation => {
					webpack.NormalModule.getCompilationHooks(compilation).loader.tap('LoaderHookPlugin', () => void loaded++);
				});
			}
		}
		/** The user's side: adds those hooks to perftop for every compilation. */
		const addLoaderHooks = (compiler: Compiler) => {
			compiler.hooks.thisCompilation.tap('addLoaderHooks', compilation => perftop.add(webpack.NormalModule.getCompilationHooks(compilation), 'normalModule'));
		};
		const compiler = webpack(config(dir, [perftop, addLoaderHooks, new LoaderHookPlugin()]));
		try {
			await run(compiler);
			assert.equal(loaded, 2);
			assert.equal(series(monitor, 'LoaderHookPlugin', 'normalModule:loader')?.count, 2);
		} finally {
			await close(compiler);
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('PerftopWebpackPlugin undo', () => {
	test('after undo a build records nothing and the compiler\'s taps hold their own functions', async () => {
		const dir = writeProject();
		const monitor = new PerformanceMonitor({samplers: false, alerts: false});
		const perftop = new PerftopWebpackPlugin({monitor});
		const steps = new BuildStepsPlugin();
		const compiler = webpack(config(dir, [perftop, new webpack.BannerPlugin('x'), steps]));
		try {
			await run(compiler);
			const before = monitor.getPerformanceSummary().plugins.reduce((sum, plugin) => sum + plugin.calls.count, 0);
			assert.ok(before > 0);
			perftop.undo();
			const emitted = steps.measured.emit;
			await run(compiler);
			const afterUndo = monitor.getPerformanceSummary().plugins.reduce((sum, plugin) => sum + plugin.calls.count, 0);
			assert.equal(afterUndo, before);
			assert.ok(steps.measured.emit > emitted, 'the second build ran the plugin\'s taps');
			assert.equal(String(compiler.hooks.emit.taps.find(tap => tap.name === 'build-steps')?.fn).includes('setTimeout'), true);
		} finally {
			await close(compiler);
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('PerftopWebpackPlugin with a disabled monitor', () => {
	test('changes nothing: no interceptor, no measured apply, nothing recorded', async () => {
		const dir = writeProject();
		const monitor = new PerformanceMonitor({samplers: false, alerts: false, enabled: false});
		const banner = new webpack.BannerPlugin('x');
		const compiler = webpack(config(dir, [new PerftopWebpackPlugin({monitor}), banner]));
		try {
			assert.equal(Object.hasOwn(banner, 'apply'), false);
			const hooks = compiler.hooks as unknown as Record<string, {interceptors?: Array<{name?: string}>}>;
			for (const key of Object.keys(hooks)) assert.ok(!hooks[key]?.interceptors?.some(interceptor => interceptor.name === 'perftop'), key);
			await run(compiler);
			assert.equal(monitor.getPerformanceSummary().plugins.length, 0);
		} finally {
			await close(compiler);
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('readme', () => {
	test('the webpack example runs', async () => {
		const {stdout} = await runReadmeExample('webpack', {timeoutMs: 120_000});
		assert.match(stdout, /DefinePlugin: load \d+\.\d+ ms, \d+ calls/);
		assert.match(stdout, /ms busy in \d+ calls/);
	});
});
