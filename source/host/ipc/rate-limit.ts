/**
 * A token bucket: at most `perSecond` on average, bursts up to `burst`. Used to keep a storm of slow-call
 * events from flooding a client.
 */
export class TokenBucket {
	readonly #perMs: number;
	readonly #burst: number;
	readonly #now: () => number;
	#tokens: number;
	#last: number;
	/** How many take() calls were refused. */
	dropped = 0;

	constructor(perSecond: number, burst: number, now: () => number = Date.now) {
		this.#perMs = perSecond / 1000;
		this.#burst = burst;
		this.#now = now;
		this.#tokens = burst;
		this.#last = now();
	}

	/** Takes one token; false (and counted) when none is left. */
	take(): boolean {
		const now = this.#now();
		this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
		this.#last = now;
		if (this.#tokens >= 1) {
			this.#tokens -= 1;
			return true;
		}
		this.dropped++;
		return false;
	}
}
