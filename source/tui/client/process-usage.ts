/**
 * CPU and RSS of a host process read from outside it, with pidusage: the TUI and `perftop list` run on the
 * host's machine (the socket is local), so they can see a host whose event loop is blocked and that sends
 * nothing. Never used inside a component: the app's data layer (hooks/use-host-usage.ts) calls it.
 */
import {hostname} from 'node:os';

/** pidusage, loaded on first use: a live view whose host always responds never needs it. */
async function pidusage(pid: number) {
	const {default: read} = await import('pidusage');
	return read(pid);
}

/** What the operating system says about a process. */
export interface ProcessUsage {
	/** CPU use since the previous sample of the same pid (since the process started on the first), percent of one core. */
	cpuPercent: number;
	/** Resident set size, bytes. */
	rss: number;
}

/** Samples a pid; resolves null when the process cannot be seen from here (another machine) and rejects when it is gone. */
export type ProcessSampler = (pid: number, host: {hostname: string}) => Promise<ProcessUsage | null>;

/** Samples `pid` with pidusage when `host.hostname` is this machine's; null otherwise (the pid would be someone else's). */
export const sampleLocalProcess: ProcessSampler = async (pid, host) => {
	if (host.hostname !== hostname()) return null;
	const stat = await pidusage(pid);
	return {cpuPercent: stat.cpu, rss: stat.memory};
};

/**
 * CPU over a short window (two samples `windowMs` apart, like `top`'s first refresh) and RSS, for one-shot
 * listings; null when the process is gone.
 */
export async function sampleWindow(pid: number, windowMs = 300): Promise<ProcessUsage | null> {
	try {
		await pidusage(pid);
		await new Promise(resolve => setTimeout(resolve, windowMs));
		const stat = await pidusage(pid);
		return {cpuPercent: stat.cpu, rss: stat.memory};
	} catch {
		return null;
	}
}
