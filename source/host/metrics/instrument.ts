/**
 * Instrumenting an object in place: every function-valued, writable data property with a string key (own or
 * inherited, except `constructor`, classes and constructor functions) is replaced by its wrapper; a `{handler}`
 * hook object is replaced by a copy whose handler is the wrapper (the object itself is never changed: it may be
 * shared with other plugins); with `deep`, nested plain objects are instrumented too. The returned undo puts the
 * originals back exactly.
 */
import type {AnyFunction, FaultSink} from './timing.js';

/** Makes the wrapper of one method, given its op name (the key, or the keys of a nested path joined with ':'). */
export type MethodWrapper = (original: AnyFunction, op: string) => AnyFunction;

/** How instrumentObject walks the target. */
export interface InstrumentWalk {
	/** Recurse into nested plain objects (op names joined with ':'). */
	deep?: boolean;
}

/**
 * Replaces the methods of `target` by `wrap(original, op)` (see the file comment). Getters, read-only
 * properties, symbol keys and classes are left alone; a target that refuses the change (frozen, sealed)
 * stays as it is and the refusal is reported as an `instrument` fault. Returns the undo (idempotent): own
 * properties get their original descriptors back and wrappers of inherited methods are removed, so every
 * method is the original function object again.
 */
export function instrumentObject(target: object, wrap: MethodWrapper, faults: FaultSink, walk: InstrumentWalk = {}): () => void {
	const restore: Array<() => void> = [];
	instrumentInto(target, '', wrap, faults, walk.deep === true, new Set([target]), restore);
	let undone = false;
	return () => {
		if (undone) return;
		undone = true;
		for (let index = restore.length - 1; index >= 0; index--) {
			try {
				restore[index]!();
			} catch (error) {
				faults.report('instrument', error);
			}
		}
	};
}

function instrumentInto(target: object, prefix: string, wrap: MethodWrapper, faults: FaultSink, deep: boolean, seen: Set<object>, restore: Array<() => void>): void {
	for (const key of functionKeys(target)) replace(target, key, original => wrap(original as AnyFunction, prefix + key), faults, restore);
	for (const key of Object.keys(target)) {
		const descriptor = Object.getOwnPropertyDescriptor(target, key);
		const value: unknown = descriptor?.value;
		if (!isPlainObject(value)) continue;
		// Each key holding a hook object gets its own copy (one object under two keys is timed under each).
		if (isHookObject(value)) {
			if (descriptor!.writable) replace(target, key, original => withTimedHandler(original as object, wrap, prefix + key), faults, restore);
			continue;
		}
		if (!deep || seen.has(value)) continue;
		seen.add(value);
		instrumentInto(value, `${prefix}${key}:`, wrap, faults, deep, seen, restore);
	}
}

/**
 * A copy of the `{handler}` hook object `hook` with its handler wrapped: same prototype and properties (so
 * `order`, `sequential` and a `filter` object stay the very same values), only `handler` differs. The object
 * itself is left alone, so a hook object shared by several plugins is timed once per plugin that calls it.
 */
function withTimedHandler(hook: object, wrap: MethodWrapper, op: string): object {
	const descriptors = Object.getOwnPropertyDescriptors(hook);
	const handler = descriptors['handler']!;
	descriptors['handler'] = {...handler, value: wrap(handler.value as AnyFunction, op)};
	return Object.create(Object.getPrototypeOf(hook) as object | null, descriptors) as object;
}

/** Puts `make(target[key])` in place and the undo on `restore`. */
function replace(target: object, key: string, make: (original: unknown) => unknown, faults: FaultSink, restore: Array<() => void>): void {
	const record = target as Record<string, unknown>;
	const own = Object.getOwnPropertyDescriptor(target, key);
	const original = record[key];
	try {
		const wrapped = make(original);
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

/** An object literal (or a null-prototype object): what nested hook maps and hook objects are. */
function isPlainObject(value: unknown): value is object {
	if (typeof value !== 'object' || value === null) return false;
	const prototype = Object.getPrototypeOf(value) as object | null;
	return prototype === Object.prototype || prototype === null;
}

/** A `{handler}` hook object (Rollup's `{order, handler}`): a plain object whose own `handler` data property is a plain function. */
function isHookObject(value: object): boolean {
	const descriptor = Object.getOwnPropertyDescriptor(value, 'handler');
	return descriptor !== undefined && typeof descriptor.value === 'function' && !isConstructor(descriptor.value as AnyFunction);
}

/**
 * A class, or a function meant for `new`: its `prototype` carries methods of its own. Such functions are
 * types, not hooks (wrapping one would break `new` and `instanceof`).
 */
function isConstructor(fn: AnyFunction): boolean {
	let source = '';
	try {
		source = Function.prototype.toString.call(fn);
	} catch {
		return false;
	}
	if (source.startsWith('class')) return true;
	const prototype = Object.getOwnPropertyDescriptor(fn, 'prototype')?.value as object | undefined;
	return typeof prototype === 'object' && prototype !== null && Reflect.ownKeys(prototype).some(key => key !== 'constructor');
}

/**
 * String keys of function-valued, writable data properties of `target` and its prototypes (not Object's or
 * Function's) that are not constructors.
 */
function functionKeys(target: object): string[] {
	const keys = new Set<string>();
	const skipped = new Set<string>();
	for (let proto: object | null = target; proto && proto !== Object.prototype && proto !== Function.prototype; proto = Object.getPrototypeOf(proto)) {
		for (const key of Object.getOwnPropertyNames(proto)) {
			if (key === 'constructor' || keys.has(key) || skipped.has(key)) continue;
			const descriptor = Object.getOwnPropertyDescriptor(proto, key);
			// The nearest definition decides: an own getter or read-only value shadows a method further up.
			if (descriptor && typeof descriptor.value === 'function' && descriptor.writable && !isConstructor(descriptor.value as AnyFunction)) keys.add(key);
			else skipped.add(key);
		}
	}
	return [...keys];
}
