// STUB (replaced by the sampling work): process and system samplers.
import type {ProcessSection, SystemSection} from '../../protocol/snapshot.js';
import type {Faults} from '../faults.js';

export interface SamplerOptions {
	/** Process sampling interval while a client is attached, ms (default 1000). */
	intervalMs?: number;
	/** Interval while nobody watches, ms (default 10 000). */
	idleIntervalMs?: number;
}

export type SampleListener = (process: ProcessSection | null, system: SystemSection | null) => void;

export class Samplers {
	constructor(_options: SamplerOptions, _faults: Faults) {}
	start(): void {}
	async stop(): Promise<void> {}
	setWatched(_watched: boolean): void {}
	processSection(): ProcessSection | null {
		return null;
	}
	systemSection(): SystemSection | null {
		return null;
	}
	onSample(_listener: SampleListener): () => void {
		return () => {};
	}
}
