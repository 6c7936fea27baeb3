/**
 * What a plugin module may export, and what a plugin object must look like.
 *
 * A module provides its plugin as, in this order of preference:
 * 1. a default export that is a plugin object `{name, hooks, setup?, teardown?}`;
 * 2. a default export that is a factory `(options) => Plugin | Promise<Plugin>`;
 * 3. a named export `plugin`, either of the two above.
 * CommonJS `module.exports = plugin` / `= factory` / `exports.plugin = ...` work the same way.
 */
import {ShapeError} from './errors.js';
import type {HookFunction, Plugin, PluginFactory} from './types.js';

/** What a module offers: a plugin object (still to be validated) or a factory to call. */
export type ModuleExport = {factory: PluginFactory} | {value: unknown};

/** Picks the plugin export of a module namespace; throws ShapeError when there is none. */
export function moduleExport(namespace: Record<string, unknown>): ModuleExport {
	let candidate: unknown = namespace['default'];
	const cjsNamed = isObject(candidate) && !('name' in candidate) && !('hooks' in candidate) && 'plugin' in candidate;
	if (candidate === undefined || cjsNamed) candidate = cjsNamed ? (candidate as {plugin: unknown}).plugin : namespace['plugin'];
	if (candidate === undefined) {
		const names = Object.keys(namespace);
		throw new ShapeError(`the module has no default export and no 'plugin' export (it exports ${names.length === 0 ? 'nothing' : names.map(name => `'${name}'`).join(', ')}); export a plugin object {name, hooks} or a factory function`);
	}
	if (typeof candidate === 'function') return {factory: candidate as PluginFactory};
	return {value: candidate};
}

/**
 * Checks that `value` is a plugin: an object with a non-empty string `name`, a `hooks` object whose values
 * are all functions, and `setup`/`teardown` functions when present. Returns it; throws ShapeError.
 */
export function validatePlugin(value: unknown): Plugin {
	if (!isObject(value)) throw new ShapeError(`expected a plugin object {name, hooks}, got ${kindOf(value)}`);
	const {name, hooks, setup, teardown} = value as Record<string, unknown>;
	if (typeof name !== 'string' || name.trim() === '') throw new ShapeError(`'name' must be a non-empty string, got ${kindOf(name)}`);
	if (!isObject(hooks) || Array.isArray(hooks)) throw new ShapeError(`'hooks' must be an object of functions, got ${kindOf(hooks)}`);
	for (const [hook, implementation] of Object.entries(hooks)) {
		if (typeof implementation !== 'function') throw new ShapeError(`hook '${hook}' must be a function, got ${kindOf(implementation)}`);
	}
	if (setup !== undefined && typeof setup !== 'function') throw new ShapeError(`'setup' must be a function, got ${kindOf(setup)}`);
	if (teardown !== undefined && typeof teardown !== 'function') throw new ShapeError(`'teardown' must be a function, got ${kindOf(teardown)}`);
	return value as unknown as Plugin;
}

/** The hook implementations of a validated plugin, in the order of its `hooks` object. */
export function hookEntries(plugin: Plugin): Array<[string, HookFunction]> {
	return Object.entries(plugin.hooks);
}

/** The name of a would-be plugin, when it has a usable one. */
export function nameOf(value: unknown): string | null {
	if (!isObject(value)) return null;
	const name = (value as {name?: unknown}).name;
	return typeof name === 'string' && name.trim() !== '' ? name : null;
}

function isObject(value: unknown): value is object {
	return typeof value === 'object' && value !== null;
}

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
	return `${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}`;
}
