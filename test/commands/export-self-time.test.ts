import assert from 'node:assert/strict';
import {test} from 'node:test';
import {CSV_COLUMNS, exportToCsv} from '../../source/commands/export-file.js';
import {PerformanceMonitor} from '../../source/host/monitor/monitor.js';

test('exports carry the synchronous self time of async hooks (JSON fields, CSV columns) and each plugin\'s busy time', async () => {
	let now = 0n;
	const monitor = new PerformanceMonitor({samplers: false, alerts: false, clock: () => now});
	const spend = (ms: number) => {
		now += BigInt(ms * 1e6);
	};
	const load = monitor.wrap(
		async () => {
			spend(2);
			await new Promise(resolve => setImmediate(resolve));
			spend(10);
		},
		{op: 'load', plugin: 'bundler', kind: 'hook'},
	);
	const resolve = monitor.wrap(() => spend(1), {op: 'resolveId', plugin: 'bundler', kind: 'hook'});
	await load();
	resolve();
	const data = monitor.exportData();
	const exported = data.series.find(series => series.op === 'load')!;
	assert.equal(exported.asyncCount, 1);
	assert.equal(exported.selfMs, 2);
	assert.equal(data.snapshot.plugins.find(plugin => plugin.name === 'bundler')?.busyMs, 13);
	const lines = exportToCsv(data).trimEnd().split('\n');
	const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
	const loadRow = lines.find(line => line.startsWith('bundler,load,'))!.split(',');
	assert.equal(loadRow[column('total_ms')], '12');
	assert.equal(loadRow[column('async_calls')], '1');
	assert.equal(loadRow[column('self_ms')], '2');
	const resolveRow = lines.find(line => line.startsWith('bundler,resolveId,'))!.split(',');
	assert.equal(resolveRow[column('self_ms')], '', 'a sync hook has no separate self time');
});
