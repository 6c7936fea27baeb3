import assert from 'node:assert/strict';
import {test} from 'node:test';
import {runReadmeExample} from '../../helpers/readme-example.js';

test("the readme's Prometheus example serves the recorded call on 127.0.0.1:9464/metrics", async () => {
	const {stdout} = await runReadmeExample('prometheus');
	assert.match(stdout, /perftop_hook_duration_seconds_count\{plugin="pricing",hook="quote"\} 1/);
});
