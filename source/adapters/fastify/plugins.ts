/**
 * perftop/fastify's view of a plugin function: the name perftop shows for it, and running it as avvio does while
 * its load (self time, heap growth) is measured.
 */
import {basename, extname} from 'node:path';
import type {PerformanceMonitor} from '../../index.js';
import {DISPLAY_NAME, PLUGIN_META, isThenable, moduleOf, type AnyFunction} from './hooks.js';

/**
 * A plugin's name as perftop shows it: its display name (fastify-plugin's `name`), its metadata name, its
 * function name, the module file that exports it, or `(anonymous N)`.
 */
export function pluginName(fn: AnyFunction, anonymous: () => number): {name: string; file: string | null} {
	const marks = fn as unknown as Record<symbol, unknown>;
	const file = marks[DISPLAY_NAME] === undefined ? moduleOf(fn) : null;
	const display = marks[DISPLAY_NAME];
	if (typeof display === 'string' && display !== '') return {name: display, file};
	const meta = marks[PLUGIN_META] as {name?: unknown} | undefined;
	if (typeof meta?.name === 'string' && meta.name !== '') return {name: meta.name, file};
	if (fn.name !== '' && fn.name !== 'default') return {name: fn.name, file};
	if (file !== null) return {name: basename(file, extname(file)), file};
	return {name: `(anonymous ${anonymous()})`, file};
}

/**
 * Runs plugin function `fn` as avvio would (`self`, `instance`, `pluginOptions`, avvio's `done`) inside
 * monitor.measureLoad, and calls `finishOnce` once when it has loaded (or failed): when it returns, calls `done`, or
 * its promise settles. Returns what avvio should see.
 */
export function runPlugin(monitor: PerformanceMonitor, fn: AnyFunction, name: string, file: string | null, finishOnce: () => void, self: unknown, instance: object, pluginOptions: unknown, done: (error?: unknown) => void): unknown {
	let finished = false;
	const finish = (): void => {
		if (finished) return;
		finished = true;
		finishOnce();
	};
	const loadOptions = file === null ? {} : {source: file};
	if (fn.length >= 3) {
		// Callback style: loaded when it calls done (or when a promise it returns settles).
		let settle: (error: unknown) => void = () => {};
		const called = new Promise<void>((resolve, reject) => {
			settle = error => (error === undefined || error === null ? resolve() : reject(error));
		});
		const callback = function (this: unknown, error?: unknown): unknown {
			finish();
			settle(error);
			return done.apply(this, arguments as unknown as [unknown]);
		};
		let returned: unknown;
		let measured: unknown;
		try {
			measured = monitor.measureLoad(
				name,
				() => {
					returned = fn.call(self, instance, pluginOptions, callback);
					return isThenable(returned) ? returned : called;
				},
				loadOptions,
			);
		} catch (error) {
			finish();
			throw error;
		}
		if (isThenable(returned)) {
			(measured as PromiseLike<unknown>).then(finish, finish);
			return measured;
		}
		// The failure reaches avvio through done; the load record already has it.
		(measured as Promise<unknown>).catch(() => {});
		return returned;
	}
	let result: unknown;
	try {
		result = monitor.measureLoad(name, () => fn.call(self, instance, pluginOptions, done), loadOptions);
	} catch (error) {
		finish();
		throw error;
	}
	if (isThenable(result)) {
		result.then(finish, finish);
		return result;
	}
	finish();
	return result;
}
