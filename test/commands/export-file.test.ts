import assert from 'node:assert/strict';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {CSV_COLUMNS, defaultExportName, exportToCsv, writeExport} from '../../source/commands/export-file.js';
import {PerformanceMonitor} from '../../source/host/monitor/monitor.js';
import type {MetricsExport} from '../../source/protocol/snapshot.js';
import {tempDir} from '../helpers/host-process.js';

function sampleExport(): MetricsExport {
	const monitor = new PerformanceMonitor({name: 'shop/api', samplers: false, alerts: false});
	const query = monitor.wrap((n: number) => n * 2, {op: 'query', plugin: 'db'});
	const render = monitor.wrap(() => 'x', {op: 'render, "fast"'});
	for (let i = 0; i < 10; i++) query(i);
	render();
	monitor.record('fail', 5, {plugin: 'db', error: true});
	return {...monitor.exportData(), exportedAt: Date.UTC(2025, 0, 2, 3, 4, 5)};
}

test('the default name is perftop-<host>-<UTC timestamp>.<ext>, with the host name made file-safe', () => {
	const data = sampleExport();
	assert.equal(defaultExportName(data, 'json'), 'perftop-shop_api-20250102T030405Z.json');
	assert.equal(defaultExportName(data, 'csv'), 'perftop-shop_api-20250102T030405Z.csv');
});

test('a JSON export is written in the directory under the default name and parses back to the same data', t => {
	const dir = tempDir(t);
	const data = sampleExport();
	const path = writeExport(data, {format: 'json', dir});
	assert.equal(path, join(dir, 'perftop-shop_api-20250102T030405Z.json'));
	assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), data);
});

test('an existing file is never overwritten without force; the error names the path', t => {
	const dir = tempDir(t);
	const out = join(dir, 'metrics.json');
	writeFileSync(out, 'keep me');
	assert.throws(() => writeExport(sampleExport(), {format: 'json', out}), {message: `${out} already exists; use --force to overwrite it`});
	assert.equal(readFileSync(out, 'utf8'), 'keep me');
	writeExport(sampleExport(), {format: 'json', out, force: true});
	assert.equal(JSON.parse(readFileSync(out, 'utf8')).format, 'perftop-export');
});

test('CSV has one row per series with its numbers, and quotes fields that need it', () => {
	const data = sampleExport();
	const lines = exportToCsv(data).trimEnd().split('\n');
	assert.equal(lines[0], CSV_COLUMNS.join(','));
	assert.equal(lines.length, 1 + data.series.length);
	const query = data.series.find(series => series.op === 'query')!;
	const row = lines.find(line => line.startsWith('db,query,'))!.split(',');
	assert.equal(row[3], String(query.count));
	assert.equal(row[3], '10');
	assert.equal(row[4], '0');
	assert.equal(Number(row[7]), Number(query.p99Ms!.toFixed(6)));
	assert.ok(lines.some(line => line.startsWith(',"render, ""fast""",operation,1,0,')), 'a plugin-less series with a comma and quotes in its name');
	const fail = lines.find(line => line.startsWith('db,fail,'))!.split(',');
	assert.equal(fail[4], '1', 'errors column');
});

test('CSV defuses names a spreadsheet would run as formulas', () => {
	const data = sampleExport();
	const template = data.series[0]!;
	data.series = ['=HYPERLINK("http://x")', '+1+1', '-2', '@SUM(A1)', 'plain'].map(op => ({...template, plugin: null, op}));
	const ops = exportToCsv(data)
		.trimEnd()
		.split('\n')
		.slice(1)
		.map(line => line.slice(1, line.indexOf(',operation') === -1 ? line.indexOf(',hook') : line.indexOf(',operation')));
	assert.deepEqual(ops, ['"\'=HYPERLINK(""http://x"")"', "'+1+1", "'-2", "'@SUM(A1)", 'plain']);
});

test('an unwritable directory is a clear error naming the path', t => {
	const missing = join(tempDir(t), 'no', 'such', 'dir');
	assert.throws(() => writeExport(sampleExport(), {format: 'csv', dir: missing}), new RegExp(`cannot write ${missing}`));
});
