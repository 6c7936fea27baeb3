import assert from 'node:assert/strict';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import {parseCgroupFile, parseMemoryValue, readCgroupMemory} from '../../../source/host/samplers/cgroup.js';

const fixtures = join(import.meta.dirname, '../../fixtures/cgroup');

/** Limit and usage of a fixture tree (without the usage file's path). */
async function limits(name: string) {
	const result = await readCgroupMemory(join(fixtures, name));
	if (result) delete result.usageFile;
	return result;
}

describe('cgroup memory limit', () => {
	it('reads a v1 limit and usage from the process cgroup, ignoring the unlimited root', async () => {
		assert.deepEqual(await limits('v1'), {version: 1, limit: 536870912, usage: 123456789});
	});

	it('treats the v1 page-rounded maximum as no limit', async () => {
		assert.deepEqual(await limits('v1-unlimited'), {version: 1, limit: null, usage: 189288448});
	});

	it('reads a v2 memory.max and memory.current', async () => {
		assert.deepEqual(await limits('v2'), {version: 2, limit: 268435456, usage: 104857600});
	});

	it('treats v2 "max" all the way up as no limit', async () => {
		assert.deepEqual(await limits('v2-max'), {version: 2, limit: null, usage: 5242880});
	});

	it('takes the smallest limit among the ancestors (what the kernel enforces)', async () => {
		assert.deepEqual(await limits('v2-nested'), {version: 2, limit: 1073741824, usage: 73400320});
	});

	it('resolves null when no memory controller file can be read', async () => {
		assert.equal(await limits('none'), null);
		assert.equal(await limits('does-not-exist'), null);
	});

	it('remembers the usage file of the process cgroup itself, for cheap re-reads', async () => {
		const result = await readCgroupMemory(join(fixtures, 'v2-nested'));
		assert.equal(result?.usageFile, join(fixtures, 'v2-nested/sys/fs/cgroup/kubepods/pod1/ctr/memory.current'));
	});

	it('parses limit values', () => {
		assert.equal(parseMemoryValue('max\n'), null);
		assert.equal(parseMemoryValue('9223372036854771712\n'), null);
		assert.equal(parseMemoryValue('1048576\n'), 1048576);
		assert.equal(parseMemoryValue('garbage'), null);
	});

	it('prefers a v1 memory line over the v2 line on hybrid hosts', () => {
		assert.deepEqual(parseCgroupFile('4:memory:/process_api/x\n0::/\n'), {version: 1, path: '/process_api/x'});
		assert.deepEqual(parseCgroupFile('0::/app\n'), {version: 2, path: '/app'});
		assert.equal(parseCgroupFile('3:cpu:/\n'), null);
	});
});
