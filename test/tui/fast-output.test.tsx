/**
 * The cached frame assembly must print exactly what Ink prints: every frame below is assembled both ways
 * (Ink's own Output#get and the replacement) and compared byte for byte, with colours on.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';

// Colours on before chalk (through Ink) loads, so styled text really carries ANSI codes.
process.env['FORCE_COLOR'] = '3';
const {Box, Text} = await import('ink');
const {render} = await import('ink-testing-library');
const {inkOutputClass, installFastOutput, uninstallFastOutput} = await import('../../source/tui/fast-output.js');
const {colorTheme, monoTheme} = await import('../../source/tui/theme.js');
const {renderApp, KEYS} = await import('./render-app.js');
const {alert, manyPlugins, plugin, snapshot} = await import('./fakes.js');

type Frame = {output: string; height: number};

/** Makes every frame go through both implementations; returns the comparison log. */
async function compareBothWays() {
	const Output = await inkOutputClass();
	const original = Output.prototype.get;
	await installFastOutput();
	const fast = Output.prototype.get;
	const log = {compared: 0, styled: 0, mismatches: [] as Array<{fast: Frame; ink: Frame}>};
	Output.prototype.get = function (this: never) {
		const mine = fast.call(this) as Frame;
		const ink = original.call(this) as Frame;
		log.compared++;
		if (mine.output.includes('\u001B[')) log.styled++;
		if (mine.output !== ink.output || mine.height !== ink.height) log.mismatches.push({fast: mine, ink});
		return mine;
	};
	return {log, restore: () => uninstallFastOutput()};
}

const tick = (ms = 20) => new Promise(resolve => setTimeout(resolve, ms));

test('the TUI frames are the same as Ink assembles them: main view, detail, help, too small, both themes', async t => {
	const {log, restore} = await compareBothWays();
	t.after(restore);
	const plugins = [...manyPlugins(60), plugin('broken', {state: 'failed'}), plugin('errs', {errors: 40, calls: 100}), plugin('gone', {state: 'unloaded'})];
	const data = snapshot({plugins, alerts: [alert('db', 'p99 over 1 s'), alert('auth', 'error rate 12%')]});
	for (const theme of [colorTheme, monoTheme]) {
		for (const size of [{width: 80, height: 24}, {width: 200, height: 60}, {width: 70, height: 20}]) {
			const app = await renderApp({...size, theme});
			app.connection.connected();
			for (let seq = 1; seq <= 3; seq++) {
				app.connection.send({...data, seq});
				await tick();
			}
			await app.press(KEYS.down, KEYS.down, KEYS.enter);
			await app.press('?');
			await app.press(KEYS.escape, KEYS.escape, '/', 'e', 'r', 'r');
			app.unmount();
		}
	}
	assert.deepEqual(log.mismatches.slice(0, 1), []);
	assert.ok(log.compared >= 40, `${log.compared} frames compared`);
	assert.ok(log.styled >= 20, `${log.styled} frames had colours`);
});

test('text the TUI never draws is assembled the same too: wide and combining characters, emoji, raw ANSI, borders, wrapping, clipping', async t => {
	const {log, restore} = await compareBothWays();
	t.after(restore);
	const samples = [
		'plain ascii line',
		'漢字テスト wide',
		'e\u0301 combining, cafe\u0301',
		'emoji 🚀 and 👍🏽 and 🇩🇪 flags',
		'\u001B[1mbold\u001B[22m \u001B[31mred\u001B[39m \u001B[41;37mbg\u001B[0m tail',
		'\u001B[38;5;208m256\u001B[39m \u001B[38;2;10;20;30mtrue\u001B[39m \u001B[4munder\u001B[24m',
		'tab\there and trailing spaces    ',
		'x'.repeat(150),
		'sparks ▁▂▃▄▅▆▇█ |||| ',
	];
	const tree = (variant: number) => (
		<Box flexDirection="column" width={100}>
			{samples.map((text, index) => (
				<Text key={index} wrap={index % 2 === 0 ? 'truncate-end' : 'wrap'} color={index % 3 === 0 ? 'green' : undefined} inverse={index === variant % samples.length}>
					{text} <Text backgroundColor="blue" bold>{`#${variant}`}</Text>
				</Text>
			))}
			<Box borderStyle="round" paddingX={1} width={40}>
				<Text>in a border {variant}</Text>
			</Box>
			<Box marginLeft={95}>
				<Text>past the edge {variant}</Text>
			</Box>
			{variant % 4 === 0 ? (
				<Box height={2} overflow="hidden" flexDirection="column">
					<Text>clipped 1</Text>
					<Text>clipped 2</Text>
					<Text>clipped 3 {variant}</Text>
				</Box>
			) : null}
			<Box flexDirection="row">
				<Text>a</Text>
				<Text dimColor>漢</Text>
				<Text color="red">b</Text>
			</Box>
		</Box>
	);
	const instance = render(tree(0));
	for (let variant = 1; variant < 12; variant++) {
		instance.rerender(tree(variant));
		await tick(5);
	}
	instance.unmount();
	assert.deepEqual(log.mismatches.slice(0, 1), []);
	assert.ok(log.compared >= 12, `${log.compared} frames compared`);
	assert.ok(log.styled >= 12, `${log.styled} frames had colours`);
});

test('uninstalling puts Ink\'s own assembly back', async () => {
	const Output = await inkOutputClass();
	const original = Output.prototype.get;
	await installFastOutput();
	assert.notEqual(Output.prototype.get, original);
	await installFastOutput();
	uninstallFastOutput();
	assert.equal(Output.prototype.get, original);
});
