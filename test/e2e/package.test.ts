/**
 * The package as a user gets it. A copy of this checkout's sources, manifest and build configuration (what a
 * fresh clone has: no dist/) is built the way `prepack` builds it and packed with `npm pack`; the tarball is
 * installed once into a new CommonJS project made by `npm init -y`, with an ES module project (its own
 * package.json, "type": "module") inside it that uses the same install. There, `require()` and `import` load
 * every entry, the readme's Host API example runs in both projects, and the package's declarations type-check
 * without @types/node and without skipLibCheck.
 *
 * The install needs the npm registry for the package's dependencies (with `--prefer-offline`, npm's cache
 * serves what it holds). Sizes and timings are printed as diagnostics, never asserted.
 */
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {promisify} from 'node:util';
import {readmeExample} from '../helpers/readme-example.js';

const root = join(import.meta.dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The package's entries: subpath, and the file under dist/ it resolves to (without extension). */
const ENTRIES = [
	['perftop', 'index'],
	['perftop/fastify', 'adapters/fastify'],
	['perftop/tapable', 'adapters/tapable'],
	['perftop/rollup', 'adapters/rollup'],
	['perftop/hookable', 'adapters/hookable'],
] as const;
/** Building, packing and installing from the registry, on a busy machine. */
const SETUP_TIMEOUT_MS = 600_000;
/** require() of ES modules without a flag. */
const requireEsm = (() => {
	const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
	return major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
})();

const run = promisify(execFile);
/** The environment of a user's shell: without the variables npm sets for this test run's own scripts. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(package|lifecycle)_/.test(key) && key !== 'PERFTOP_TEST'));

function sh(command: string, args: string[], cwd: string, timeout = 120_000): Promise<{stdout: string; stderr: string}> {
	return run(command, args, {cwd, env: userEnv, timeout, maxBuffer: 64 << 20});
}

/** Disk usage of a file or tree, as `du` counts it (allocated blocks: small files count whole blocks). */
function diskUsage(path: string): number {
	const stat = statSync(path);
	let total = stat.blocks * 512;
	if (stat.isDirectory()) for (const entry of readdirSync(path)) total += diskUsage(join(path, entry));
	return total;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

let work = '';
let packDir = '';
let cjs = '';
let esm = '';
let packed: string[] = [];

// The suite as a whole: the setup and the tests after it (the runner's per-test default would cut a slow install short).
describe('the packed package in a fresh project', {timeout: SETUP_TIMEOUT_MS * 2}, () => {
	before(async () => {
		work = mkdtempSync(join(tmpdir(), 'perftop-pkg-'));
		// Inside the checkout, so the build finds TypeScript and @types/node the way a clone's install provides them.
		mkdirSync(join(root, 'test-tmp'), {recursive: true});
		packDir = mkdtempSync(join(root, 'test-tmp', 'pack-'));
		for (const path of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'readme.md', 'source']) cpSync(join(root, path), join(packDir, path), {recursive: true});
		// What `prepack` runs after its install check (scripts/ensure.mjs --build): the check itself is skipped,
		// as it would install into the copy.
		const manifest = JSON.parse(readFileSync(join(packDir, 'package.json'), 'utf8')) as {scripts: Record<string, string>};
		assert.match(manifest.scripts['prepack'] ?? '', /ensure\.mjs --build/, 'prepack builds dist/');
		await sh(process.execPath, [tsc, '-p', 'tsconfig.build.json'], packDir, 300_000);
		const {stdout} = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], packDir);
		const [result] = JSON.parse(stdout) as [{filename: string; size: number; unpackedSize: number; files: {path: string}[]}];
		packed = result.files.map(file => file.path).sort();
		const tarball = join(work, result.filename);

		cjs = join(work, 'cjs-project');
		mkdirSync(cjs);
		await sh('npm', ['init', '-y'], cjs);
		const started = performance.now();
		await sh('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], cjs, SETUP_TIMEOUT_MS);
		const installMs = performance.now() - started;
		esm = join(cjs, 'esm-project');
		mkdirSync(esm);
		writeFileSync(join(esm, 'package.json'), JSON.stringify({name: 'esm-project', version: '1.0.0', private: true, type: 'module'}, null, 2));

		const modules = join(cjs, 'node_modules');
		const largest = readdirSync(modules).flatMap(name => name.startsWith('@') ? readdirSync(join(modules, name)).map(inner => `${name}/${inner}`) : [name])
			.filter(name => !name.startsWith('.')).map(name => [name, diskUsage(join(modules, name))] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
		console.log(`# tarball ${mb(result.size)}, unpacked ${mb(result.unpackedSize)}, ${packed.length} files; installed in ${(installMs / 1000).toFixed(0)} s: node_modules ${mb(diskUsage(modules))} on disk, largest ${largest.map(([name, size]) => `${name} ${mb(size)}`).join(', ')}`);
	}, {timeout: SETUP_TIMEOUT_MS});

	after(() => {
		if (work) rmSync(work, {recursive: true, force: true});
		if (packDir) rmSync(packDir, {recursive: true, force: true});
	});

	test('the tarball holds the built entries (.js and .d.ts) and the CLI, and nothing of the checkout besides', () => {
		for (const [, file] of ENTRIES) {
			assert.ok(packed.includes(`dist/${file}.js`), `dist/${file}.js is packed`);
			assert.ok(packed.includes(`dist/${file}.d.ts`), `dist/${file}.d.ts is packed`);
		}
		assert.ok(packed.includes('dist/cli.js'), 'the perftop command is packed');
		const foreign = packed.filter(path => !(path.startsWith('dist/') && /\.(js|d\.ts)$/.test(path)) && !['package.json', 'readme.md'].includes(path));
		assert.deepEqual(foreign, [], 'only dist/*.js, dist/*.d.ts, package.json and the readme');
		// Every built file comes from a source file: nothing stale, no test, no source map.
		const stale = packed.filter(path => path.startsWith('dist/')).map(path => path.replace(/^dist\//, '').replace(/(\.d\.ts|\.js)$/, ''))
			.filter(path => !existsSync(join(packDir, 'source', `${path}.ts`)) && !existsSync(join(packDir, 'source', `${path}.tsx`)));
		assert.deepEqual(stale, []);
	});

	test('npm init -y made a CommonJS project, and the install built nothing (better-sqlite3 is for development only)', () => {
		const manifest = JSON.parse(readFileSync(join(cjs, 'package.json'), 'utf8')) as {type?: string};
		assert.notEqual(manifest.type, 'module');
		assert.equal(existsSync(join(cjs, 'node_modules', 'better-sqlite3')), false);
		assert.equal(existsSync(join(cjs, 'node_modules', 'perftop', 'dist', 'index.js')), true);
	});

	test('the installed perftop command answers --help; its demo says it needs a checkout and exits 1', async () => {
		const bin = join(cjs, 'node_modules', '.bin', 'perftop');
		const {stdout} = await sh(bin, ['--help'], cjs);
		assert.match(stdout, /perftop --attach <socket>/);
		const demo = await sh(bin, ['demo', '--headless'], cjs, 30_000).then(() => null, (error: {code?: number; stdout?: string; stderr?: string}) => error);
		assert.ok(demo, 'perftop demo fails outside a checkout');
		assert.equal(demo.code, 1);
		assert.match(`${demo.stdout}${demo.stderr}`, /checkout/, 'it names what it needs');
	});

	test('require() loads every entry in the CommonJS project', {skip: requireEsm ? false : `require() of ES modules needs Node >= 20.19 (this is ${process.version})`}, async () => {
		const code = ENTRIES.map(([entry]) => `console.log(${JSON.stringify(entry)}, Object.keys(require(${JSON.stringify(entry)})).length);`).join('\n');
		writeFileSync(join(cjs, 'require-all.js'), code);
		const {stdout} = await sh(process.execPath, ['require-all.js'], cjs);
		for (const [entry] of ENTRIES) assert.match(stdout, new RegExp(`^${entry} [1-9]\\d*$`, 'm'), `${entry} has exports under require()`);
		const {stdout: monitor} = await sh(process.execPath, ['-e', `const {PerformanceMonitor} = require('perftop'); const m = new PerformanceMonitor({samplers: false}); m.record('op', 2); console.log(m.getPerformanceSummary().series.length)`], cjs);
		assert.equal(monitor.trim(), '1');
	});

	test('import loads every entry in the ES module project', async () => {
		const code = ENTRIES.map(([entry]) => `console.log(${JSON.stringify(entry)}, Object.keys(await import(${JSON.stringify(entry)})).length);`).join('\n');
		writeFileSync(join(esm, 'import-all.js'), code);
		const {stdout} = await sh(process.execPath, ['import-all.js'], esm);
		for (const [entry] of ENTRIES) assert.match(stdout, new RegExp(`^${entry} [1-9]\\d*$`, 'm'), `${entry} has exports under import`);
	});

	for (const kind of ['CommonJS', 'ES module'] as const) {
		test(`the readme's Host API example runs as it is in the ${kind} project`, {skip: kind === 'CommonJS' && !requireEsm ? `the CommonJS run needs Node >= 20.19 (this is ${process.version})` : false}, async () => {
			const project = kind === 'CommonJS' ? cjs : esm;
			const source = readmeExample('host-api');
			assert.ok(source.includes("'/tmp/shop-api"), 'the example names its socket and log under /tmp/shop-api');
			// Its own socket and log directory, so the two runs and anything else on the machine stay apart.
			const dir = mkdtempSync(join(tmpdir(), 'perftop-ex-'));
			try {
				writeFileSync(join(project, 'example.ts'), source.replaceAll('/tmp/shop-api', join(dir, 'shop-api')));
				// `npx tsx example.ts`, with this checkout's tsx rather than one fetched by npx.
				const {stdout, stderr} = await sh(process.execPath, ['--import', import.meta.resolve('tsx'), 'example.ts'], project);
				assert.match(stdout, /count: 50,/, 'inventory.reserve ran 50 times');
				assert.match(stdout, /^0\.98$/m, 'products: 49 hits in 50 fetches');
				assert.equal(stderr, '');
				assert.ok(readdirSync(join(dir, 'shop-api-perf')).some(name => name.endsWith('.log')), 'the performance log was written');
				assert.equal(existsSync(join(dir, 'shop-api.sock')), false, 'stop() removed the socket');
			} finally {
				rmSync(dir, {recursive: true, force: true});
			}
		});
	}

	test('the declarations type-check without @types/node and without skipLibCheck, in both projects', async () => {
		assert.equal(existsSync(join(cjs, 'node_modules', '@types', 'node')), false, 'no @types/node came with the install');
		const consumer = `import {PerformanceMonitor, PluginManager, type CacheOptions, type MonitorOptions} from 'perftop';
import {instrumentTapable} from 'perftop/tapable';
import {instrumentHookable} from 'perftop/hookable';

const options: MonitorOptions = {name: 'typed', samplers: false, thresholds: {responseTime: 250}};
const monitor = new PerformanceMonitor(options);
const plugins = new PluginManager({monitor});
const cacheOptions: CacheOptions<string, number> = {max: 10, load: async (key, {signal}) => (signal.aborted ? 0 : key.length)};
const cache = monitor.createCache('lengths', cacheOptions);
const timed = monitor.wrap((a: number, b: number) => a + b, {op: 'add'});
const sum: number = timed(1, 2);
export {plugins, cache, sum, instrumentTapable, instrumentHookable};
`;
		const config = {compilerOptions: {target: 'ES2023', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: []}, include: ['consumer.ts']};
		for (const project of [esm, cjs]) {
			writeFileSync(join(project, 'consumer.ts'), consumer);
			writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(config, null, 2));
			const result = await sh(process.execPath, [tsc, '-p', '.'], project).catch((error: {stdout?: string; stderr?: string}) => error);
			assert.equal(`${result.stdout ?? ''}${result.stderr ?? ''}`, '', `tsc in ${relative(work, project)} reports nothing`);
		}
	});
});
