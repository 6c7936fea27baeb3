/**
 * The bench's one reader of /proc (Linux): a process's resident memory and the CPU time of the process or
 * of its main thread, and this process's own CPU time. Every reader returns null where /proc cannot be read
 * (another system, or a process that has exited), so a caller can report the goal it serves as not measured.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';

/** Resident set size of process `pid` in bytes (VmRSS from /proc/<pid>/status), or null. */
export function procRss(pid: number | undefined): number | null {
	if (pid === undefined) return null;
	try {
		const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : null;
	} catch {
		return null;
	}
}

/**
 * CPU time of process `pid` in clock ticks (user + system, see {@link ticksPerSecond}), or null: of every
 * thread (GC helpers, the libuv pool) by default, or of the main thread alone (where the JavaScript runs)
 * when `mainThread`.
 */
export function procCpuTicks(pid: number | undefined, options: {mainThread?: boolean} = {}): number | null {
	if (pid === undefined) return null;
	try {
		const stat = readFileSync(options.mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]);
		return Number.isFinite(ticks) ? ticks : null;
	} catch {
		return null;
	}
}

let clockTicks: number | undefined;

/** Clock ticks per second of {@link procCpuTicks} (`getconf CLK_TCK`, 100 when that cannot be asked). */
export function ticksPerSecond(): number {
	if (clockTicks === undefined) {
		try {
			clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;
		} catch {
			clockTicks = 100;
		}
	}
	return clockTicks;
}

/** This process's CPU time in microseconds, every thread (process.cpuUsage: user + system). */
export function ownCpuMicros(): number {
	const usage = process.cpuUsage();
	return usage.user + usage.system;
}

/**
 * This process's main-thread CPU time in microseconds (from /proc: the thread that runs the event loop),
 * or null where /proc cannot be read.
 */
export function ownMainThreadCpuMicros(): number | null {
	const ticks = procCpuTicks(process.pid, {mainThread: true});
	return ticks === null ? null : (ticks / ticksPerSecond()) * 1e6;
}
