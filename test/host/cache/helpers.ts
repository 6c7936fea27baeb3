/**
 * Shared pieces of the cache tests: a fake millisecond clock, a seeded PRNG, and a registry that ticks only
 * when told to.
 */
import {Faults} from '../../../source/host/faults/faults.js';
import {HostEvents} from '../../../source/host/monitor/events.js';
import {CacheRegistry} from '../../../source/host/cache/index.js';

/** A clock that moves only when told to. Starts well above 0 (lru-cache treats a start of 0 as "no ttl"). */
export class FakeClock {
	ms = 1_000_000;

	now(): number {
		return this.ms;
	}

	advance(ms: number): void {
		this.ms += ms;
	}
}

/** A registry without a timer (tests call tick()), and the faults it reports to. */
export function manualRegistry(options: {slots?: number; slotMs?: number} = {}): {registry: CacheRegistry; faults: Faults} {
	const faults = new Faults(() => {});
	return {registry: new CacheRegistry(faults, new HostEvents(faults), {...options, timer: false}), faults};
}

/** Resolves after the pending promise callbacks (and one macrotask) have run. */
export function settle(): Promise<void> {
	return new Promise(resolve => setImmediate(resolve));
}
