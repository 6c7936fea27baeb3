/**
 * Internal failures of the monitor: counted, reported once per kind, never thrown into the host. Each kind
 * has a stable `PERFTOP_*` code in the catalogue (codes.ts).
 */
import {faultInfo, type FaultKind} from './codes.js';

export {FAULTS, faultInfo, type FaultInfo, type FaultKind} from './codes.js';

/**
 * Receives the first fault of each kind: the kind, what was thrown, and the kind's stable code (see
 * {@link FAULTS}). Without a listener, the fault becomes a process warning of type `PerftopWarning` with that code.
 */
export type FaultListener = (kind: FaultKind, error: unknown, code: string) => void;

/** Counts internal faults and reports the first of each kind (see the file comment). */
export class Faults {
	/** Total faults counted since start. */
	count = 0;
	readonly #seen = new Map<string, number>();
	readonly #listener: FaultListener | undefined;

	constructor(listener?: FaultListener) {
		this.#listener = listener;
	}

	/** Counts a fault; the first of each kind is passed to the listener (default: a process warning with the kind's code). */
	report(kind: FaultKind, error: unknown): void {
		this.count++;
		const seen = this.#seen.get(kind) ?? 0;
		this.#seen.set(kind, seen + 1);
		if (seen > 0) return;
		try {
			const {code} = faultInfo(kind);
			if (this.#listener) this.#listener(kind, error, code);
			else if (process.env['PERFTOP_QUIET_FAULTS'] !== '1') {
				process.emitWarning(`perftop: ${kind}: ${describe(error)} (further '${kind}' faults are counted silently; see ${code} in perftop's readme)`, {type: 'PerftopWarning', code});
			}
		} catch {
			// A broken listener must not hurt the host either.
		}
	}

	/** Fault counts by kind. */
	byKind(): Record<string, number> {
		return Object.fromEntries(this.#seen);
	}
}

/** A one-line description of anything thrown. */
export function describe(error: unknown): string {
	if (error instanceof Error) return error.message;
	try {
		return String(error);
	} catch {
		return 'unprintable error';
	}
}
