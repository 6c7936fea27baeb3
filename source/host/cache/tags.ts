/**
 * The tag index of one cache: which keys carry a tag, and which tags a key carries. It only holds keys that
 * are in the cache: entries leaving the cache are removed (from the cache's dispose hook), and a sweep
 * removes whatever a path without a dispose call left behind, so its size stays bounded by the cache's.
 */

/** Tag to keys and key to tags, both ways, for invalidateTag(). */
export class TagIndex<K> {
	readonly #keysByTag = new Map<string, Set<K>>();
	readonly #tagsByKey = new Map<K, readonly string[]>();

	/** Keys that carry at least one tag. */
	get keyCount(): number {
		return this.#tagsByKey.size;
	}

	/** Distinct tags in use. */
	get tagCount(): number {
		return this.#keysByTag.size;
	}

	/** Gives `key` exactly these tags (none when empty or undefined), replacing the ones it had. */
	assign(key: K, tags: readonly string[] | undefined): void {
		this.remove(key);
		if (tags === undefined || tags.length === 0) return;
		const own = [...new Set(tags)];
		this.#tagsByKey.set(key, own);
		for (const tag of own) {
			let keys = this.#keysByTag.get(tag);
			if (keys === undefined) {
				keys = new Set();
				this.#keysByTag.set(tag, keys);
			}
			keys.add(key);
		}
	}

	/** Forgets `key` and drops tags that no key carries any more. */
	remove(key: K): void {
		const tags = this.#tagsByKey.get(key);
		if (tags === undefined) return;
		this.#tagsByKey.delete(key);
		for (const tag of tags) {
			const keys = this.#keysByTag.get(tag);
			if (keys === undefined) continue;
			keys.delete(key);
			if (keys.size === 0) this.#keysByTag.delete(tag);
		}
	}

	/** The keys carrying `tag` (a copy, safe to delete from while iterating). */
	keysOf(tag: string): K[] {
		const keys = this.#keysByTag.get(tag);
		return keys === undefined ? [] : [...keys];
	}

	/** The tags of `key`. */
	tagsOf(key: K): readonly string[] {
		return this.#tagsByKey.get(key) ?? [];
	}

	/** Removes every key for which `present` is false; returns how many were removed. */
	sweep(present: (key: K) => boolean): number {
		let removed = 0;
		for (const key of [...this.#tagsByKey.keys()]) {
			if (present(key)) continue;
			this.remove(key);
			removed++;
		}
		return removed;
	}

	clear(): void {
		this.#keysByTag.clear();
		this.#tagsByKey.clear();
	}
}
