/**
 * What perftop/fastify knows of Fastify's hooks and functions: the hook names and where their `done` goes, and
 * how a wrapper takes on what Fastify and avvio read on the function it wraps.
 */
import {createRequire} from 'node:module';

/** Any function (Fastify's hooks, plugins and handlers take any arguments). */
export type AnyFunction = (...args: any[]) => any;

/** What the adapter touches on a Fastify instance (the real type's generics are not needed here). */
export interface Instance {
	register: AnyFunction;
	addHook: AnyFunction;
}

/** Route options as an `onRoute` hook sees them. */
export type RouteOptions = Record<string, unknown> & {method?: string | string[]; url?: string; handler?: unknown};

/** fastify-plugin's mark of a plugin that runs in its parent's encapsulation context. */
export const SKIP_OVERRIDE = Symbol.for('skip-override');
/** fastify-plugin's mark naming a plugin (Fastify's `pluginName` and errors use it). */
export const DISPLAY_NAME = Symbol.for('fastify.display-name');
/** fastify-plugin's metadata (name, dependencies, decorators, Fastify version), checked at register. */
export const PLUGIN_META = Symbol.for('plugin-meta');

/**
 * Request lifecycle hooks (the ones a route's options can carry too), with the argument index of the `done`
 * callback Fastify passes them. Fastify passes it whatever the hook's `length` (a hook written `(...args)` may
 * call `args[2]()`), and waits for it unless the hook is `async` or returns a promise.
 */
export const LIFECYCLE_DONE_AT: Readonly<Record<string, number>> = {
	onRequest: 2,
	preParsing: 3,
	preValidation: 2,
	preHandler: 2,
	preSerialization: 3,
	onSend: 3,
	onResponse: 2,
	onError: 3,
	onTimeout: 2,
	onRequestAbort: 1,
};
/** The names of {@link LIFECYCLE_DONE_AT}. */
export const LIFECYCLE_HOOKS = Object.keys(LIFECYCLE_DONE_AT);
/**
 * The hooks that may answer the request themselves (`reply.send()`) instead of calling `done`, as
 * @fastify/cors does for a preflight: the hooks that run before the handler.
 */
export const ANSWERING = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler']);
/** The hooks `reply.send()` runs at once (a handler's timing ends when the first of them starts). */
export const SEND_PHASE = new Set(['preSerialization', 'onSend', 'onError']);

/**
 * Application hooks timed like lifecycle hooks (`onRoute` is handled apart), with their `done` index (-1: none).
 * For these Fastify (and avvio, for `onClose`) decide by the hook's `length` whether to pass `done`, and so does
 * the adapter.
 */
export const APPLICATION_DONE_AT: Readonly<Record<string, number>> = {
	onRegister: -1,
	onReady: 0,
	onListen: 0,
	preClose: 0,
	onClose: 1,
};

/** The lifecycle hook functions in a route's options. */
export function hookFunctions(route: RouteOptions): Set<unknown> {
	const found = new Set<unknown>();
	for (const name of LIFECYCLE_HOOKS) {
		const value = route[name];
		if (typeof value === 'function') found.add(value);
		else if (Array.isArray(value)) for (const fn of value) found.add(fn);
	}
	return found;
}

const AsyncFunctionPrototype = Object.getPrototypeOf(async () => {}) as object;

/** True for functions declared `async`. */
export function isAsyncFunction(fn: AnyFunction): boolean {
	return Object.getPrototypeOf(fn) === AsyncFunctionPrototype;
}

/** True for anything with a `then` method, as avvio and Fastify test results. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
	return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as {then?: unknown}).then === 'function';
}

/** Where the adapter's internal failures go (the monitor's `faults`). */
export interface FaultSink {
	report(kind: 'plugin-wrap', error: unknown): void;
}

/**
 * Gives `wrapper` what Fastify and avvio read on `fn`: its own properties and symbols (a property pointing at
 * `fn` itself, as fastify-plugin's `default`, points at the wrapper), `name`, `length`, its prototype (so an
 * `async function`'s wrapper is an AsyncFunction) and its source text (Fastify previews anonymous plugins by it).
 * Never throws: what cannot be copied (a proxy's traps refusing, a frozen wrapper) is reported as a
 * `plugin-wrap` fault and the rest is still copied.
 */
export function copyFunctionTraits(fn: AnyFunction, wrapper: AnyFunction, faults: FaultSink): void {
	try {
		for (const key of Reflect.ownKeys(fn)) {
			if (key === 'prototype' || key === 'arguments' || key === 'caller') continue;
			try {
				const descriptor = Object.getOwnPropertyDescriptor(fn, key);
				if (descriptor === undefined) continue;
				if ('value' in descriptor && descriptor.value === fn) descriptor.value = wrapper;
				Object.defineProperty(wrapper, key, descriptor);
			} catch (error) {
				faults.report('plugin-wrap', error);
			}
		}
		const prototype = Object.getPrototypeOf(fn) as object | null;
		if (Object.getPrototypeOf(wrapper) !== prototype) Object.setPrototypeOf(wrapper, prototype);
		const source = (): string => Function.prototype.toString.call(fn);
		Object.defineProperty(wrapper, 'toString', {value: source, configurable: true, writable: true, enumerable: false});
	} catch (error) {
		faults.report('plugin-wrap', error);
	}
}

const requireCache = createRequire(import.meta.url).cache;

/** The file of the CommonJS module that exports `fn` (as Fastify names such plugins), or null. */
export function moduleOf(fn: AnyFunction): string | null {
	for (const [file, module] of Object.entries(requireCache)) if (module?.exports === fn) return file;
	return null;
}

/** Puts back an own property as it was (or removes it when there was none). */
export function restore(target: object, key: string, own: PropertyDescriptor | undefined): void {
	if (own) Object.defineProperty(target, key, own);
	else delete (target as Record<string, unknown>)[key];
}
