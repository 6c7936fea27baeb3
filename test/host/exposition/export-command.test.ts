import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {runExport} from '../../../source/commands/export.js';
import {PerformanceMonitor} from '../../../source/index.js';
import {capture} from '../../commands/capture.js';
import {samples, value} from './parse.js';

test('perftop export --format openmetrics|prometheus reads a host over its socket and prints the exposition', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'pt-exp-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const socket = join(dir, 'h.sock');
	const monitor = new PerformanceMonitor({name: 'exported', socket, samplers: false, alerts: false, onFault: () => {}});
	t.after(() => monitor.stop());
	await monitor.start({strict: true});
	for (let index = 0; index < 40; index++) monitor.record('quote', 1 + index, {plugin: 'pricing', kind: 'hook', error: index < 4});

	const om = capture();
	assert.equal(await runExport({socket, format: 'openmetrics', stdout: om.stdout, stderr: om.stderr}), 0, om.complained());
	const text = om.printed();
	assert.ok(text.endsWith('# EOF\n'));
	const all = samples(text);
	assert.equal(value(all, 'perftop_hook_duration_seconds_count', {plugin: 'pricing', hook: 'quote'}), 40);
	assert.equal(value(all, 'perftop_hook_errors_total', {plugin: 'pricing', hook: 'quote'}), 4);
	const host = samples(monitor.metricsText('openmetrics')).filter(sample => sample.name.startsWith('perftop_hook_'));
	assert.deepEqual(all.filter(sample => sample.name.startsWith('perftop_hook_')), host, 'the same hook series as the host\'s endpoint');

	const out = join(dir, 'metrics.prom');
	const written = capture();
	assert.equal(await runExport({socket, format: 'prometheus', out, stdout: written.stdout, stderr: written.stderr}), 0);
	assert.match(readFileSync(out, 'utf8'), /^# TYPE perftop_hook_errors_total counter$/m);
	const again = capture();
	assert.equal(await runExport({socket, format: 'prometheus', out, stdout: again.stdout, stderr: again.stderr}), 1, 'an existing file is not replaced without --force');
	assert.match(again.complained(), /already exists/);
	writeFileSync(out, 'old');
	assert.equal(await runExport({socket, format: 'prometheus', out, force: true, stdout: again.stdout, stderr: again.stderr}), 0);
	assert.ok(existsSync(out) && readFileSync(out, 'utf8').startsWith('# HELP'));
});
