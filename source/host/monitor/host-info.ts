/**
 * Who this host is, as clients and the perf log show it: name, pid, machine, Node version, platform, start
 * time and perftop version. Read once, when the monitor is created.
 */
import {hostname} from 'node:os';
import {basename} from 'node:path';
import type {HostInfo} from '../../protocol/snapshot.js';
import {PERFTOP_VERSION} from './version.js';

/** This process's identity; `name` defaults to the main script's file name without its extension. */
export function currentHostInfo(name?: string): HostInfo {
	return {
		name: name ?? defaultHostName(),
		pid: process.pid,
		hostname: hostname(),
		node: process.version,
		platform: `${process.platform}-${process.arch}`,
		startedAt: Math.round(performance.timeOrigin),
		perftop: PERFTOP_VERSION,
	};
}

function defaultHostName(): string {
	const main = process.argv[1];
	return main ? basename(main).replace(/\.[cm]?[jt]sx?$/, '') : 'node';
}
