/**
 * Internal failures of the monitor: counted, reported once per kind, never thrown into the host.
 */
export type FaultListener = (kind: string, error: unknown) => void;

/** Counts internal faults and reports the first of each kind (see the file comment). */
export class Faults {
	/** Total faults counted since start. */
	count = 0;
	readonly #seen = new Map<string, number>();
	readonly #listener: FaultListener | undefined;

	constructor(listener?: FaultListener) {
		this.#listener = listener;
	}

	/** Counts a fault; the first of each kind is passed to the listener (default: a process warning). */
	report(kind: string, error: unknown): void {
		this.count++;
		const seen = this.#seen.get(kind) ?? 0;
		this.#seen.set(kind, seen + 1);
		if (seen > 0) return;
		try {
			if (this.#listener) this.#listener(kind, error);
			else if (process.env['PERFTOP_QUIET_FAULTS'] !== '1') process.emitWarning(`perftop: ${kind}: ${describe(error)} (further '${kind}' faults are counted silently)`, 'PerftopWarning');
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
