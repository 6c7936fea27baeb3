/**
 * Instrumenting an object in place: every function-valued, writable data property (own or inherited,
 * except `constructor`) is replaced by its wrapper; the returned undo puts the originals back exactly.
 */
import type {AnyFunction, FaultSink} from './timing.js';

/** Makes the wrapper of one method, given its property key. */
export type MethodWrapper = (original: AnyFunction, key: PropertyKey) => AnyFunction;

/**
 * Replaces the methods of `target` by `wrap(original, key)`. Getters and read-only properties are left
 * alone; a target that refuses the change (frozen, sealed) stays as it is and the refusal is reported as an
 * `instrument` fault. Returns the undo (idempotent): own properties get their original descriptors back and
 * wrappers of inherited methods are removed, so every method is the original function object again.
 */
export function instrumentObject(target: object, wrap: MethodWrapper, faults: FaultSink): () => void {
	const record = target as Record<PropertyKey, unknown>;
	const restore: Array<() => void> = [];
	for (const key of functionKeys(target)) {
		const own = Object.getOwnPropertyDescriptor(target, key);
		const original = record[key] as AnyFunction;
		const wrapped = wrap(original, key);
		try {
			if (own && !own.configurable) {
				// Writable but not configurable: assignment is the only way in, and back.
				record[key] = wrapped;
				restore.push(() => {
					record[key] = original;
				});
			} else {
				Object.defineProperty(target, key, {value: wrapped, writable: true, configurable: true, enumerable: own ? own.enumerable : false});
				restore.push(own ? () => Object.defineProperty(target, key, own) : () => delete record[key]);
			}
		} catch (error) {
			faults.report('instrument', error);
		}
	}
	let undone = false;
	return () => {
		if (undone) return;
		undone = true;
		for (const undo of restore) {
			try {
				undo();
			} catch (error) {
				faults.report('instrument', error);
			}
		}
	};
}

/** Keys of function-valued, writable data properties of `target` and its prototypes (not Object's or Function's). */
function functionKeys(target: object): PropertyKey[] {
	const keys = new Set<PropertyKey>();
	const skipped = new Set<PropertyKey>();
	for (let proto: object | null = target; proto && proto !== Object.prototype && proto !== Function.prototype; proto = Object.getPrototypeOf(proto)) {
		for (const key of Reflect.ownKeys(proto)) {
			if (key === 'constructor' || keys.has(key) || skipped.has(key)) continue;
			const descriptor = Object.getOwnPropertyDescriptor(proto, key);
			// The nearest definition decides: an own getter or read-only value shadows a method further up.
			if (descriptor && typeof descriptor.value === 'function' && descriptor.writable) keys.add(key);
			else skipped.add(key);
		}
	}
	return [...keys];
}
