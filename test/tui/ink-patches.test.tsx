/**
 * The Ink patches are used only where they draw what Ink draws: the live view's real TerminalApp, driven
 * through snapshots, keys and resizes, writes the same bytes with and without them; on another Ink version,
 * with PERFTOP_INK_PATCHES=0, or when installing or drawing fails, Ink's own code is left (or put back) in
 * place, with one notice carrying a PERFTOP_ code.
 */
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {test} from 'node:test';

// Colours on before chalk (through Ink) loads, so styled text really carries ANSI codes.
process.env['FORCE_COLOR'] = '3';
const {render, Text} = await import('ink');
const Yoga = (await import('yoga-layout')).default;
const {TerminalApp} = await import('../../source/tui/app.js');
const {colorTheme} = await import('../../source/tui/theme.js');
const {inkOutputClass} = await import('../../source/tui/fast-output.js');
const patches = await import('../../source/tui/ink-patches.js');
const {INK_PATCHES_CODE, INK_PATCHES_FOR, installInkPatches, packagesApart, resetInkPatches, resolvedInkVersion, takeInkPatchesNotice} = patches;
const yogaNodePrototype = (Yoga.Node as unknown as {prototype: {setMeasureFunc: unknown}}).prototype;
const {FakeConnection, alert, cache, manyPlugins, plugin, snapshot} = await import('./fakes.js');
const {KEYS} = await import('./render-app.js');

/** A terminal as Ink sees it: a size that can change (with a 'resize' event), and every write kept. */
class FakeTty extends EventEmitter {
	readonly isTTY = true;
	readonly writes: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write(data: string | Uint8Array): boolean {
		this.writes.push(String(data));
		return true;
	}
	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

/** A raw-mode keyboard: each write is one read. */
class FakeKeyboard extends EventEmitter {
	readonly isTTY = true;
	#pending: string | null = null;
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
	read(): string | null {
		const data = this.#pending;
		this.#pending = null;
		return data;
	}
	press(data: string): void {
		this.#pending = data;
		this.emit('readable');
	}
}

const tick = (ms = 15) => new Promise(resolve => setTimeout(resolve, ms));

const CURSOR_MARKER = '\uE000';

/** Plugins whose names and numbers exercise wide, emoji, combining and private-use characters. */
function varied(seq: number) {
	return [
		...manyPlugins(40, seq),
		plugin('漢字-cache', {calls: 300 + seq, errors: seq % 3}),
		plugin('emoji-🚀-send', {calls: 900 - seq, p50: 3}),
		plugin('cafe\u0301-menu', {calls: 40 + seq * 7}),
		plugin(`cursor${CURSOR_MARKER}mark`, {calls: 12}),
		plugin('broken', {state: 'failed'}),
		plugin('gone', {state: 'unloaded'}),
		plugin('errs', {errors: 40 + seq, calls: 100}),
	];
}

/**
 * One session of the live view as a user has it: connect, snapshots, move, detail, help, caches, search,
 * resizes (wide, too small, back), more snapshots. Returns the frame on the terminal after each step, once Ink
 * has stopped writing (how many frames Ink writes in between depends on timing, what settles does not).
 */
async function session(before: (stdout: FakeTty) => Promise<void>): Promise<string[]> {
	const stdout = new FakeTty(80, 24);
	const stdin = new FakeKeyboard();
	await before(stdout);
	const connection = new FakeConnection();
	const instance = render(<TerminalApp connection={connection} socket="/tmp/pt/shop.sock" theme={colorTheme} readonly={false} intervalMs={1000} exportFile={() => '/tmp/x.json'} now={() => 1_700_000_105_000} />, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new FakeTty(80, 24) as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		// Every frame written whole and at once, whatever CI says (Ink's non-debug mode draws nothing in CI).
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	const settled: string[] = [];
	const settle = async () => {
		// Quiet for 40 ms (a generous margin over a frame on a loaded machine), at most 5 s.
		let seen = -1;
		for (let waited = 0; waited < 5000 && seen !== stdout.writes.length; waited += 40) {
			seen = stdout.writes.length;
			await tick(40);
		}
		settled.push(stdout.writes.at(-1) ?? '');
	};
	const send = async (seq: number) => {
		connection.send(snapshot({plugins: varied(seq), caches: [cache('users'), cache('sessions', {hits: seq, misses: 30}), cache('页面-pages')], alerts: seq % 2 ? [alert('db', 'p99 over 1 s'), alert('漢字-cache', 'error rate 12% 🚨')] : []}, seq));
		await settle();
	};
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			stdin.press(key);
			await settle();
		}
	};
	const resize = async (columns: number, rows: number) => {
		stdout.resize(columns, rows);
		await settle();
	};
	await settle();
	connection.connected();
	await settle();
	for (let seq = 1; seq <= 3; seq++) await send(seq);
	await press(KEYS.down, KEYS.down, KEYS.enter);
	await send(4);
	await press('?');
	await press(KEYS.escape, KEYS.escape, KEYS.tab, KEYS.down);
	await send(5);
	await press(KEYS.tab, '/', 'e', 'm', 'o', KEYS.enter);
	await resize(200, 60);
	await send(6);
	await press(KEYS.pageDown, KEYS.end);
	// Brings the combining-character plugin into the (shorter, beside the hooks panel) table window.
	await press('/', 'c', 'a', 'f', 'e', KEYS.enter);
	await resize(70, 20);
	await send(7);
	await resize(120, 40);
	await send(8);
	await press('\\', 'p', 'l', 'u', KEYS.enter, KEYS.home);
	await send(9);
	instance.unmount();
	return settled;
}

test("the live view writes the same bytes with the patches as with Ink's own code", async t => {
	t.after(resetInkPatches);
	const Output = await inkOutputClass();
	const inkGet = Output.prototype.get;
	const inkOwn = await session(async () => {});
	let outcome: Awaited<ReturnType<typeof installInkPatches>> | undefined;
	const patched = await session(async stdout => {
		outcome = await installInkPatches(stdout, {env: {}, notify: line => assert.fail(`unexpected notice: ${line}`)});
	});
	assert.equal(outcome?.state, 'installed');
	assert.notEqual(Output.prototype.get, inkGet, 'the frame assembly was replaced while the second session ran');
	const all = inkOwn.join('');
	assert.equal(new Set(inkOwn).size >= 25, true, `${new Set(inkOwn).size} different frames`);
	assert.match(all, /\u001B\[3\dm/, 'frames carry colours');
	for (const text of ['漢字-cache', '🚀', 'e\u0301', CURSOR_MARKER]) assert.ok(all.includes(text), `wide, emoji, combining and private-use text drawn: ${JSON.stringify(text)}`);
	assert.ok(all.includes('Help') && all.split('\n').some(line => line.length > 150), 'help and the 200-column layout drawn');
	assert.equal(patched.length, inkOwn.length, 'as many steps');
	for (let index = 0; index < inkOwn.length; index++) assert.equal(patched[index], inkOwn[index], `the frame after step ${index} differs`);
});

test('the version checked is the one in the package.json of the Ink that is loaded, and it is the one the patches were written for', () => {
	const manifest = JSON.parse(readFileSync(new URL('../../node_modules/ink/package.json', import.meta.url), 'utf8')) as {version: string};
	assert.equal(resolvedInkVersion(), manifest.version);
	// When this fails, Ink was upgraded: compare Ink's output.js, dom.js, measure-text.js, wrap-text.js and
	// squash-text-nodes.js with the patches, run these tests, then move INK_PATCHES_FOR.
	assert.equal(INK_PATCHES_FOR, manifest.version);
});

test('the packages the patches call in Ink\'s place must be the copies Ink loads', t => {
	const root = mkdtempSync(join(tmpdir(), 'perftop-ink-'));
	t.after(() => rmSync(root, {recursive: true, force: true}));
	const manifest = (dir: string, name: string) => {
		mkdirSync(dir, {recursive: true});
		writeFileSync(join(dir, 'package.json'), JSON.stringify({name}));
	};
	manifest(join(root, 'node_modules', 'ink'), 'ink');
	manifest(join(root, 'node_modules', 'wrap-ansi'), 'wrap-ansi');
	manifest(join(root, 'node_modules', 'widest-line'), 'widest-line');
	// npm nests a copy under Ink when the versions disagree; Ink then loads that one.
	manifest(join(root, 'node_modules', 'ink', 'node_modules', 'widest-line'), 'widest-line');
	const own = join(root, 'node_modules', 'perftop', 'dist', 'tui');
	mkdirSync(own, {recursive: true});
	assert.deepEqual(packagesApart(join(root, 'node_modules', 'ink'), own, ['wrap-ansi', 'widest-line', 'missing-everywhere']), ['widest-line']);
	// In this checkout they are the same copies.
	assert.deepEqual(packagesApart(join(import.meta.dirname, '../../node_modules/ink'), join(import.meta.dirname, '../../source/tui')), []);
});

test("another Ink version keeps Ink's own code and writes one notice with a PERFTOP_ code", async t => {
	t.after(resetInkPatches);
	const Output = await inkOutputClass();
	const inkGet = Output.prototype.get;
	const inkSetMeasure = yogaNodePrototype.setMeasureFunc;
	const lines: string[] = [];
	const stdout = new FakeTty(80, 24);
	const outcome = await installInkPatches(stdout, {env: {}, inkVersion: () => '6.9.0', notify: line => lines.push(line)});
	assert.equal(outcome.state, 'fallback');
	assert.equal(Output.prototype.get, inkGet);
	assert.equal(yogaNodePrototype.setMeasureFunc, inkSetMeasure);
	assert.equal(lines.length, 1);
	assert.ok(lines[0]!.includes(INK_PATCHES_CODE) && INK_PATCHES_CODE.startsWith('PERFTOP_'), lines[0]);
	assert.match(lines[0]!, /Ink 6\.9\.0 .* Ink 6\.8\.0/);
	assert.ok(!lines[0]!.includes('\n'), 'one line');
	// Once per process, however often it is asked.
	await installInkPatches(stdout, {env: {}, inkVersion: () => '7.0.0', notify: line => lines.push(line)});
	assert.equal(lines.length, 1);
	// Ink still draws.
	const instance = render(<Text color="green">still drawn</Text>, {stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false});
	instance.unmount();
	assert.match(stdout.writes.join(''), /still drawn/);
});

test('PERFTOP_INK_PATCHES=0 keeps Ink\'s own code without a notice; any other value installs them', async t => {
	t.after(resetInkPatches);
	const Output = await inkOutputClass();
	const inkGet = Output.prototype.get;
	const lines: string[] = [];
	const off = await installInkPatches(new FakeTty(80, 24), {env: {PERFTOP_INK_PATCHES: '0'}, notify: line => lines.push(line)});
	assert.deepEqual(off, {state: 'disabled'});
	assert.equal(Output.prototype.get, inkGet);
	assert.equal(lines.length, 0);
	const on = await installInkPatches(new FakeTty(80, 24), {env: {PERFTOP_INK_PATCHES: '1'}, notify: line => lines.push(line)});
	assert.equal(on.state, 'installed');
	assert.notEqual(Output.prototype.get, inkGet);
	assert.equal(lines.length, 0);
});

test("an error while installing leaves neither patch in place and writes the notice", async t => {
	t.after(resetInkPatches);
	const Output = await inkOutputClass();
	const inkGet = Output.prototype.get;
	const inkSetMeasure = yogaNodePrototype.setMeasureFunc;
	const lines: string[] = [];
	// Ink's Output class without the method the frame assembly replaces: the measurement patch installs,
	// the frame assembly cannot.
	(Output.prototype as {get: unknown}).get = undefined;
	let outcome: Awaited<ReturnType<typeof installInkPatches>>;
	try {
		outcome = await installInkPatches(new FakeTty(80, 24), {env: {}, notify: line => lines.push(line)});
	} finally {
		Output.prototype.get = inkGet;
	}
	assert.equal(outcome.state, 'fallback');
	assert.equal(yogaNodePrototype.setMeasureFunc, inkSetMeasure, 'the measurement patch was taken out again');
	assert.equal(Output.prototype.get, inkGet);
	assert.equal(lines.length, 1);
	assert.match(lines[0]!, new RegExp(`${INK_PATCHES_CODE}: installing them failed \\(.*get\\(\\)`));
});

test("a patched frame assembly that throws while drawing gives that frame to Ink's own method and takes the patches out", async t => {
	t.after(resetInkPatches);
	const Output = await inkOutputClass();
	const inkGet = Output.prototype.get;
	const lines: string[] = [];
	assert.equal((await installInkPatches(new FakeTty(80, 24), {env: {}, notify: line => lines.push(line)})).state, 'installed');
	// A width Ink's loop treats as empty and the replacement's array allocation rejects.
	const output = new (Output as unknown as new (options: {width: number; height: number}) => {get(): {output: string; height: number}})({width: -1, height: 2});
	assert.deepEqual(output.get(), inkGet.call(output as never));
	assert.equal(Output.prototype.get, inkGet, "Ink's own method is back");
	assert.equal(lines.length, 0, 'nothing printed while the TUI owns the screen');
	const notice = takeInkPatchesNotice();
	assert.ok(notice?.includes(INK_PATCHES_CODE), String(notice));
	assert.match(notice!, /failed while drawing/);
	assert.equal(takeInkPatchesNotice(), null, 'handed over once');
});

test("a patched measurement that throws answers with Ink's own function from then on", async t => {
	t.after(resetInkPatches);
	// Ink's map from stdout to its instance, the one the measurement patch looks the tree up in.
	const instancesUrl = new URL('./instances.js', pathToFileURL(createRequire(import.meta.url).resolve('ink')));
	const {default: instances} = (await import(instancesUrl.href)) as {default: WeakMap<object, unknown>};
	const inkSetMeasure = yogaNodePrototype.setMeasureFunc;
	const stdout = new FakeTty(80, 24);
	assert.equal((await installInkPatches(stdout, {env: {}, notify: () => {}})).state, 'installed');
	// An Ink instance whose tree the replacement cannot walk.
	instances.set(stdout, {rootNode: {nodeName: 'ink-root', childNodes: 5}});
	const node = Yoga.Node.create();
	let inkCalls = 0;
	node.setMeasureFunc(() => {
		inkCalls++;
		return {width: 7, height: 2};
	});
	node.calculateLayout(undefined, undefined);
	assert.equal(node.getComputedWidth(), 7);
	assert.equal(node.getComputedHeight(), 2);
	assert.ok(inkCalls >= 1);
	assert.equal(yogaNodePrototype.setMeasureFunc, inkSetMeasure, 'new text nodes get Ink\'s function');
	assert.match(takeInkPatchesNotice() ?? '', /failed while drawing/);
	node.free();
	instances.delete(stdout);
});
