/**
 * Loading plugins from modules: every supported shape and location, and every way a load can fail. A
 * failure names the plugin or specifier and the cause, is recorded as `failed`, and never stops the others.
 */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {PerformanceMonitor, PluginError, PluginManager, type LoadResult} from '../../../source/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'plugins');
const fixture = (name: string) => join(fixtures, name);

function failed(result: LoadResult): PluginError {
	assert.equal(result.ok, false, `expected ${result.name} to fail`);
	if (result.ok) throw new Error('unreachable');
	assert.ok(result.error instanceof PluginError);
	return result.error;
}

function monitored(): {manager: PluginManager; monitor: PerformanceMonitor} {
	const monitor = new PerformanceMonitor({samplers: false, alerts: false});
	return {manager: new PluginManager({monitor, cwd: fixtures}), monitor};
}

test('a default-exported plugin object loads from a relative file path and its hooks answer', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const result = await manager.load('./greeter.mjs');
	assert.equal(result.ok, true);
	assert.equal(result.name, 'greeter');
	assert.equal(result.source, fixture('greeter.mjs'));
	assert.deepEqual(manager.callHook('greet', 'ada'), ['hello ada']);
});

test('a default-exported factory is called with the load options', async () => {
	const manager = new PluginManager();
	const result = await manager.load(fixture('factory.mjs'), {prefix: 'hi'});
	assert.equal(result.name, 'factory-hi');
	assert.deepEqual(manager.callHook('greet', 'bo'), ['hi bo']);
});

test('a named plugin export, a CommonJS module, a TypeScript module and a file: URL all load', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const results = await manager.loadAll(['./named.mjs', './common.cjs', {specifier: './typed.ts', options: {greeting: 'hey'}}, pathToFileURL(fixture('greeter.mjs')).href]);
	assert.deepEqual(
		results.map(result => [result.name, result.ok]),
		[
			['named', true],
			['common', true],
			['typed', true],
			['greeter', true],
		],
	);
	assert.deepEqual(manager.callHook('greet', 'cy'), ['named cy', 'common cy', 'hey cy', 'hello cy']);
});

test('a path without extension finds the module file', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const result = await manager.load('./named');
	assert.equal(result.name, 'named');
});

test('a directory loads through package.json "main", "exports" (import condition) or index.js', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const results = await manager.loadAll(['./dir-main', './dir-exports', './dir-index/']);
	assert.deepEqual(
		results.map(result => result.ok && result.name),
		['dir-main', 'dir-exports', 'dir-index'],
	);
	assert.deepEqual(manager.callHook('greet', 'x'), ['dir-main x', 'dir-exports esm x', 'dir-index x']);
});

test('package names resolve from the base directory upward through node_modules, scoped and with subpaths', async t => {
	const root = mkdtempSync(join(tmpdir(), 'pm-'));
	t.after(() => rmSync(root, {recursive: true, force: true}));
	const write = (path: string, text: string) => {
		mkdirSync(dirname(join(root, path)), {recursive: true});
		writeFileSync(join(root, path), text);
	};
	write('node_modules/perftop-plugin-demo/package.json', JSON.stringify({name: 'perftop-plugin-demo', type: 'module', exports: {'.': './main.js', './extra': {import: './extra.js'}}}));
	write('node_modules/perftop-plugin-demo/main.js', `export default {name: 'demo', hooks: {greet: () => 'demo'}};`);
	write('node_modules/perftop-plugin-demo/extra.js', `export const plugin = {name: 'demo-extra', hooks: {greet: () => 'extra'}};`);
	write('node_modules/@acme/perftop-plugin/package.json', JSON.stringify({name: '@acme/perftop-plugin', main: 'lib/index.cjs'}));
	write('node_modules/@acme/perftop-plugin/lib/index.cjs', `module.exports = options => ({name: 'acme', hooks: {greet: () => 'acme ' + options.level}});`);
	mkdirSync(join(root, 'app', 'deep'), {recursive: true});
	const manager = new PluginManager({cwd: join(root, 'app', 'deep')});
	const results = await manager.loadAll(['perftop-plugin-demo', 'perftop-plugin-demo/extra', {specifier: '@acme/perftop-plugin', options: {level: 3}}]);
	assert.deepEqual(
		results.map(result => [result.name, result.ok, result.source]),
		[
			['demo', true, 'perftop-plugin-demo'],
			['demo-extra', true, 'perftop-plugin-demo/extra'],
			['acme', true, '@acme/perftop-plugin'],
		],
	);
	assert.deepEqual(manager.callHook('greet'), ['demo', 'extra', 'acme 3']);
	const missing = failed(await manager.load('perftop-plugin-absent'));
	assert.equal(missing.code, 'E_PLUGIN_NOT_FOUND');
	assert.match(missing.message, /plugin 'perftop-plugin-absent' could not be found: no package 'perftop-plugin-absent' in node_modules/);
});

test('a missing file fails with a not-found error naming the specifier and the path looked at', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const error = failed(await manager.load('./nowhere.mjs'));
	assert.equal(error.code, 'E_PLUGIN_NOT_FOUND');
	assert.equal(error.specifier, './nowhere.mjs');
	assert.equal(error.message, `plugin './nowhere.mjs' could not be found: no file or directory at ${fixture('nowhere.mjs')}`);
});

test('a module that throws while imported fails with its error as the cause', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const result = await manager.load('./throws-on-import.mjs');
	const error = failed(result);
	assert.equal(result.name, 'throws-on-import');
	assert.equal(error.code, 'E_PLUGIN_IMPORT');
	assert.equal(error.message, `plugin './throws-on-import.mjs' threw while its module was imported: database URL is not configured`);
	assert.equal((error.cause as Error).message, 'database URL is not configured');
});

test('wrong-shape exports fail with a message saying what was wrong', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const [number, none, badHook] = await manager.loadAll(['./wrong-shape-number.mjs', './no-plugin-export.mjs', './bad-hook.mjs']);
	const numberError = failed(number!);
	assert.equal(numberError.code, 'E_PLUGIN_SHAPE');
	assert.equal(numberError.message, `plugin './wrong-shape-number.mjs' has the wrong shape: expected a plugin object {name, hooks}, got a number`);
	assert.match(failed(none!).message, /^plugin '.\/no-plugin-export.mjs' has the wrong shape: the module has no default export and no 'plugin' export \(it exports 'helper', 'other'\)/);
	assert.equal(badHook!.name, 'bad-hook');
	assert.equal(failed(badHook!).message, `plugin 'bad-hook' (./bad-hook.mjs) has the wrong shape: hook 'greet' must be a function, got a string`);
});

test('registering an object with a non-function hook, no name or no hooks is a shape error', async () => {
	const manager = new PluginManager();
	const notFunction = failed(await manager.register({name: 'x', hooks: {run: 5 as never}}));
	assert.equal(notFunction.message, `plugin 'x' has the wrong shape: hook 'run' must be a function, got a number`);
	assert.equal(failed(await manager.register({hooks: {}} as never)).message, `the plugin object has the wrong shape: 'name' must be a non-empty string, got undefined`);
	assert.equal(failed(await manager.register({name: 'y'} as never)).message, `plugin 'y' has the wrong shape: 'hooks' must be an object of functions, got undefined`);
	assert.deepEqual(manager.names, []);
});

test('a factory that throws and a setup that rejects fail with their causes', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const [factory, setup] = await manager.loadAll(['./factory-throws.mjs', './setup-rejects.mjs']);
	const factoryError = failed(factory!);
	assert.equal(factoryError.code, 'E_PLUGIN_FACTORY');
	assert.equal(factoryError.message, `plugin './factory-throws.mjs' failed in its factory: missing option "table"`);
	const setupError = failed(setup!);
	assert.equal(setupError.code, 'E_PLUGIN_SETUP');
	assert.equal(setupError.plugin, 'setup-rejects');
	assert.equal(setupError.message, `plugin 'setup-rejects' (./setup-rejects.mjs) failed in setup: port 5432 refused the connection`);
	assert.deepEqual(manager.callHook('greet'), [], 'a plugin whose setup failed has no live hooks');
	assert.equal(manager.has('setup-rejects'), false);
});

test('a duplicate name is refused and the first plugin stays', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const [first, second] = await manager.loadAll(['./greeter.mjs', './duplicate-greeter.mjs']);
	assert.equal(first!.ok, true);
	const error = failed(second!);
	assert.equal(error.code, 'E_PLUGIN_DUPLICATE');
	assert.equal(error.message, `plugin 'greeter' (./duplicate-greeter.mjs) has a duplicate name: a plugin named 'greeter' is already loaded from ${fixture('greeter.mjs')}`);
	assert.deepEqual(manager.callHook('greet', 'z'), ['hello z']);
	const again = failed(await manager.register({name: 'greeter', hooks: {}}));
	assert.equal(again.message, `plugin 'greeter' has a duplicate name: a plugin named 'greeter' is already loaded from ${fixture('greeter.mjs')}`);
});

test('two concurrent loads of the same name: the second is refused while the first is still loading', async () => {
	const manager = new PluginManager();
	let release!: () => void;
	const gate = new Promise<void>(resolve => (release = resolve));
	const slow = manager.register({name: 'same', hooks: {h: () => 'slow'}, setup: () => gate});
	const fast = await manager.register({name: 'same', hooks: {h: () => 'fast'}});
	assert.match(failed(fast).message, /a plugin named 'same' is still loading/);
	release();
	assert.equal((await slow).ok, true);
	assert.deepEqual(manager.callHook('h'), ['slow']);
});

test('failures do not stop the others: loadAll returns one result per specifier, in order', async () => {
	const {manager, monitor} = monitored();
	const results = await manager.loadAll(['./throws-on-import.mjs', './greeter.mjs', './nowhere.mjs', './wrong-shape-number.mjs', './named.mjs']);
	assert.deepEqual(
		results.map(result => [result.name, result.ok]),
		[
			['throws-on-import', false],
			['greeter', true],
			['nowhere', false],
			['wrong-shape-number', false],
			['named', true],
		],
	);
	assert.deepEqual(manager.names, ['greeter', 'named']);
	assert.deepEqual(manager.callHook('greet', 'q'), ['hello q', 'named q']);
	const record = monitor.getPluginPerformance('throws-on-import');
	assert.equal(record?.state, 'failed');
	assert.equal(record?.error, `plugin './throws-on-import.mjs' threw while its module was imported: database URL is not configured`);
	assert.equal(record?.source, fixture('throws-on-import.mjs'));
	assert.equal(monitor.getPluginPerformance('nowhere')?.state, 'failed');
	assert.equal(monitor.getPluginPerformance('greeter')?.state, 'loaded');
});

test('a failed duplicate is recorded under its own row, leaving the live plugin loaded', async () => {
	const {manager, monitor} = monitored();
	await manager.loadAll(['./greeter.mjs', './duplicate-greeter.mjs']);
	assert.equal(monitor.getPluginPerformance('greeter')?.state, 'loaded');
	const duplicate = monitor.getPluginPerformance(`greeter [${fixture('duplicate-greeter.mjs')}]`);
	assert.equal(duplicate?.state, 'failed');
	assert.match(duplicate?.error ?? '', /duplicate name/);
});

test('loadDirectory loads module files and package folders by name order, skipping the rest, isolating failures', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const results = await manager.loadDirectory('./directory', {'d-options': {flavour: 'spicy'}});
	assert.deepEqual(
		results.map(result => [result.name, result.ok]),
		[
			['a-first', true],
			['b-broken', false],
			['c-package', true],
			['d-options', true],
		],
	);
	assert.match(failed(results[1]!).message, /b-broken.mjs' threw while its module was imported: cannot read the config file$/);
	assert.deepEqual(manager.callHook('order'), ['a-first', 'c-package', 'd-options spicy']);
});

test('loadDirectory on a missing directory gives one failed result naming it', async () => {
	const manager = new PluginManager({cwd: fixtures});
	const results = await manager.loadDirectory('./no-such-dir');
	assert.equal(results.length, 1);
	const error = failed(results[0]!);
	assert.equal(error.code, 'E_PLUGIN_NOT_FOUND');
	assert.match(error.message, /^plugin '.\/no-such-dir' could not be found: ENOENT/);
});

test('setup receives the plugin name, its options and the shared services', async () => {
	const services = {db: {query: () => 'rows'}};
	const manager = new PluginManager({services});
	let seen: unknown;
	await manager.register(
		{
			name: 'reader',
			hooks: {},
			setup: context => {
				seen = [context.name, context.options, context.services === services];
			},
		},
		{limit: 10},
	);
	assert.deepEqual(seen, ['reader', {limit: 10}, true]);
});
