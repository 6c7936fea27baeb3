import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {FAULTS, Faults} from '../../../source/host/faults/faults.js';

test('the first fault of a kind becomes a PerftopWarning carrying the kind\'s stable code; repeats stay silent', async () => {
	const previous = process.env['PERFTOP_QUIET_FAULTS'];
	delete process.env['PERFTOP_QUIET_FAULTS'];
	const warnings: Error[] = [];
	const onWarning = (warning: Error) => warnings.push(warning);
	process.on('warning', onWarning);
	try {
		const faults = new Faults();
		faults.report('series-cap', new Error('cap reached'));
		faults.report('series-cap', new Error('cap reached again'));
		await new Promise(resolve => setImmediate(resolve));
		const ours = warnings.filter(warning => warning.name === 'PerftopWarning');
		assert.equal(ours.length, 1);
		assert.equal((ours[0] as Error & {code?: string}).code, 'PERFTOP_SERIES_CAP');
		assert.match(ours[0]!.message, /series-cap: cap reached/);
		assert.equal(faults.count, 2);
	} finally {
		process.off('warning', onWarning);
		if (previous !== undefined) process.env['PERFTOP_QUIET_FAULTS'] = previous;
	}
});

test('a fault listener gets the kind, the error and the code; client commands share one code', () => {
	const seen: Array<[string, string]> = [];
	const faults = new Faults((kind, _error, code) => seen.push([kind, code]));
	faults.report('ipc-command-export', new Error('disk full'));
	faults.report('perf-log', new Error('EACCES'));
	assert.deepEqual(seen, [['ipc-command-export', 'PERFTOP_IPC_COMMAND'], ['perf-log', 'PERFTOP_PERF_LOG']]);
});

test('every code is unique and listed in the readme with what to do', () => {
	const readme = readFileSync(new URL('../../../readme.md', import.meta.url), 'utf8');
	const codes = Object.values(FAULTS).map(entry => entry.code);
	assert.equal(new Set(codes).size, codes.length);
	for (const {code, action} of Object.values(FAULTS)) {
		assert.ok(readme.includes(`| \`${code}\` |`), `${code} is in the readme's fault table`);
		assert.ok(readme.includes(action), `${code}'s action is in the readme`);
	}
});

test('every kind reported in the host sources is in the catalogue', () => {
	const kinds = new Set<string>();
	const host = fileURLToPath(new URL('../../../source/host/', import.meta.url));
	for (const file of readdirSync(host, {recursive: true, encoding: 'utf8'})) {
		if (!/\.tsx?$/.test(file)) continue;
		const text = readFileSync(join(host, file), 'utf8');
		for (const match of text.matchAll(/(?:report|reportFault)\((?:[\w.#]+, )?'([a-z0-9-]+)'/g)) kinds.add(match[1]!);
	}
	assert.ok(kinds.size > 20, `found ${kinds.size} kinds`);
	for (const kind of kinds) assert.ok(kind in FAULTS, `'${kind}' has a code`);
});
