/**
 * Text measurement with bounded caches must give Yoga exactly the sizes Ink's own measurement gives, and must
 * not keep every text it ever measured.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import {installBoundedMeasure, measureCacheSize, uninstallBoundedMeasure, type TextSize} from '../../source/tui/bounded-measure.js';

const tick = (ms = 10) => new Promise(resolve => setTimeout(resolve, ms));

test('the sizes are the ones Ink computes, the frames the same, and the caches stay bounded', async t => {
	const compared = {count: 0, wrapped: 0, mismatches: [] as Array<{mine: TextSize; ink: TextSize}>};
	const frames: string[][] = [[], []];
	const tree = (variant: number) => (
		<Box flexDirection="column" width={60}>
			<Text>{`row ${variant} ${'x'.repeat(variant % 7)}`}</Text>
			<Text wrap="wrap">{`a long line that wraps at sixty columns: ${'word '.repeat(10 + (variant % 5))}`}</Text>
			<Text wrap="wrap">{`   unbroken ${'u'.repeat(70 + variant)} then spaces   `}</Text>
			<Text wrap="truncate-end">{`truncated at the end ${'y'.repeat(70 + variant)}`}</Text>
			<Text wrap="truncate-middle">{`truncated in the middle ${'z'.repeat(70 + variant)}`}</Text>
			<Text>
				wide 漢字 and <Text color="green">colour {variant}</Text> and ▁▂▃
			</Text>
			{/* U+E000: the cursor marker a later upstream measure-text strips; Ink 6.8.0 measures it as one column. */}
			<Box width={12}>
				<Text>{`mark\uE000${'m'.repeat(variant % 9)}`}</Text>
			</Box>
			<Box width={10}>
				<Text>{`narrow box ${variant} wraps here`}</Text>
			</Box>
		</Box>
	);
	for (const [pass, bounded] of [true, false].entries()) {
		const instance = render(<Text>starting</Text>);
		if (bounded) {
			await installBoundedMeasure(instance.stdout, {
				check: (mine, ink) => {
					compared.count++;
					if (mine.height > 1) compared.wrapped++;
					if (mine.width !== ink.width || mine.height !== ink.height) compared.mismatches.push({mine, ink});
				},
			});
		}
		for (let variant = 0; variant < 30; variant++) {
			instance.rerender(tree(variant));
			await tick(2);
			frames[pass]!.push(instance.lastFrame() ?? '');
		}
		instance.unmount();
		uninstallBoundedMeasure();
	}
	assert.deepEqual(compared.mismatches.slice(0, 1), []);
	assert.ok(compared.count >= 100, `${compared.count} sizes compared`);
	assert.ok(compared.wrapped >= 30, `${compared.wrapped} wrapped sizes`);
	assert.deepEqual(frames[0], frames[1], 'the same frames with either measurement');
	assert.ok(measureCacheSize() <= 4000, `${measureCacheSize()} entries`);
});

test('thousands of distinct texts keep the caches bounded', async t => {
	const instance = render(<Text>starting</Text>);
	let measured = 0;
	await installBoundedMeasure(instance.stdout, {check: () => measured++});
	t.after(() => {
		instance.unmount();
		uninstallBoundedMeasure();
	});
	const tree = (n: number) => (
		<Box flexDirection="column">
			<Text>{`row ${n} of a table`}</Text>
			<Text>{`another line ${n * 7}`}</Text>
		</Box>
	);
	for (let n = 0; n < 2500; n++) {
		instance.rerender(tree(n));
		if (n % 100 === 0) await tick(1);
	}
	await tick(20);
	assert.match(instance.lastFrame() ?? '', /row 2499 of a table/);
	assert.ok(measured >= 5000, `${measured} texts measured through the bounded caches`);
	assert.ok(measureCacheSize() <= 4000, `${measureCacheSize()} entries kept`);
});
