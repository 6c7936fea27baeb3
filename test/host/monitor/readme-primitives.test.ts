import assert from 'node:assert/strict';
import {test} from 'node:test';
import {runReadmeExample} from '../../helpers/readme-example.js';

test("the readme's timing primitives example runs and shows each primitive's result", async () => {
	const {stdout} = await runReadmeExample('timing-primitives');
	const lines = stdout.trim().split('\n');
	assert.deepEqual(lines.slice(0, 2), ['true', 'true'], 'equal wraps are identical; unwrap gives the original');
	const byName = new Map(lines.slice(2).map(line => [line.split(' ')[0], line]));
	assert.match(byName.get('queue') ?? '', /^queue loaded job x1 busy \d/);
	assert.match(byName.get('etag') ?? '', /onSend x1/);
	assert.match(byName.get('babel') ?? '', /transform x1 busy 12\.5 ms/);
	assert.match(byName.get('app') ?? '', /^app loaded/);
	assert.match(byName.get('child') ?? '', /^child loaded/);
	assert.match(byName.get('my-plugin') ?? '', /build:before x1, resolveId x1/);
});
