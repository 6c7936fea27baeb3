/**
 * While the connected host sends nothing for longer than it should (its event loop is blocked), reads its
 * CPU and RSS from outside once a second with the sampler the app is given (pidusage in the live view), so
 * the screen can say "host not responding for 12 s: CPU 100 %, RSS 1.2 GB" instead of only aging data.
 * Samples nothing while snapshots arrive on time.
 */
import {useEffect, useRef} from 'react';
import type {ProcessSampler} from '../client/process-usage.js';
import {unresponsiveFor, type Action, type AppState, type HostUsage} from '../state/reducer.js';

/** How often the host process is read while it does not respond, ms. */
export const HOST_USAGE_INTERVAL_MS = 1000;

async function readUsage(sampler: ProcessSampler, pid: number, hostname: string): Promise<HostUsage> {
	try {
		const usage = await sampler(pid, {hostname});
		return usage === null ? {state: 'remote', cpuPercent: null, rss: null} : {state: 'sampled', cpuPercent: usage.cpuPercent, rss: usage.rss};
	} catch {
		return {state: 'gone', cpuPercent: null, rss: null};
	}
}

/** Samples the host process with `sampler` once a second while {@link unresponsiveFor} says it is not responding. */
export function useHostUsage(state: AppState, dispatch: (action: Action) => void, sampler: ProcessSampler | undefined, now: () => number = Date.now): void {
	const latest = useRef(state);
	latest.current = state;
	useEffect(() => {
		if (sampler === undefined) return;
		let busy = false;
		// Samples since the host stopped responding: the first one's CPU covers the whole life of the process
		// (or nothing), so only later ones, one interval apart, are shown.
		let samples = 0;
		const timer = setInterval(() => {
			const current = latest.current;
			const time = now();
			if (current.connection.state !== 'connected' || unresponsiveFor({...current, now: time}) === null) {
				samples = 0;
				return;
			}
			if (busy) return;
			const host = current.snapshot?.host ?? current.connection.hello.host;
			busy = true;
			void readUsage(sampler, host.pid, host.hostname).then(usage => {
				busy = false;
				samples++;
				dispatch({type: 'host-usage', usage: samples === 1 && usage.state === 'sampled' ? {...usage, cpuPercent: null} : usage, now: now()});
			});
		}, HOST_USAGE_INTERVAL_MS);
		timer.unref?.();
		return () => clearInterval(timer);
	}, [sampler]);
}
