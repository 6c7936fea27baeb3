/**
 * A set of listeners for one kind of client news. A listener that throws does not stop the others or the
 * connection; the first failure is reported as a process warning.
 */
export class Listeners<T> {
	readonly #set = new Set<(value: T) => void>();
	readonly #kind: string;
	#warned = false;

	constructor(kind: string) {
		this.#kind = kind;
	}

	/** Adds a listener; returns its removal. */
	add(listener: (value: T) => void): () => void {
		this.#set.add(listener);
		return () => {
			this.#set.delete(listener);
		};
	}

	/** Calls every listener with `value`. */
	emit(value: T): void {
		for (const listener of this.#set) {
			try {
				listener(value);
			} catch (error) {
				if (this.#warned) continue;
				this.#warned = true;
				process.emitWarning(`perftop client: a ${this.#kind} listener threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`, 'PerftopWarning');
			}
		}
	}
}
