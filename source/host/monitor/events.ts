/**
 * The monitor's internal event bus (alerts, plugin loads, slow calls, resets). Listeners that throw are
 * reported as faults; emit never throws.
 */
import type {HostEvent} from '../../protocol/messages.js';
import type {Faults} from '../faults/faults.js';

/** Receives every host event; may throw (that is counted as a fault). */
export type HostEventListener = (event: HostEvent) => void;

/** The event bus (see the file comment). */
export class HostEvents {
	readonly #listeners = new Set<HostEventListener>();
	readonly #faults: Faults;

	constructor(faults: Faults) {
		this.#faults = faults;
	}

	/** Adds a listener; returns its removal. */
	on(listener: HostEventListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	emit(event: HostEvent): void {
		for (const listener of this.#listeners) {
			try {
				listener(event);
			} catch (error) {
				this.#faults.report('event-listener', error);
			}
		}
	}

	get size(): number {
		return this.#listeners.size;
	}
}
