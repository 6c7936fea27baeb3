/**
 * The `heap-snapshot` command's work: a V8 heap snapshot written into a host-side directory, only when the
 * host opted in (it blocks the host while it runs and needs about twice the heap in free memory).
 */
import {mkdirSync, statSync} from 'node:fs';
import {freemem} from 'node:os';
import {join} from 'node:path';
import {writeHeapSnapshot} from 'node:v8';
import {ErrorCode, ProtocolError} from '../../protocol/errors.js';
import type {HeapSnapshotResult} from '../../protocol/messages.js';

/**
 * Writes a heap snapshot named `fileName` into `dir` (created 0700). Refuses with E_DISABLED when `dir` is
 * undefined (not enabled by the host) or when free memory is short.
 */
export async function writeHostHeapSnapshot(dir: string | undefined, fileName: string): Promise<HeapSnapshotResult> {
	if (dir === undefined) throw new ProtocolError(ErrorCode.disabled, 'heap snapshots are disabled on this host (start the monitor with heapSnapshotDir)');
	const need = process.memoryUsage().heapUsed * 2;
	if (freemem() < need) throw new ProtocolError(ErrorCode.disabled, `not enough free memory for a heap snapshot (need about ${Math.round(need / 1048576)} MiB)`);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const path = writeHeapSnapshot(join(dir, fileName));
	return {path, bytes: statSync(path).size};
}
