/**
 * Getting a would-be plugin out of a module (resolve, import, pick the export, call the factory), and
 * listing the plugin entries of a directory. Each step's failure ends the load with a LoadStop for its stage.
 */
import type {Dirent} from 'node:fs';
import {extname, isAbsolute, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {LoadStop} from './errors.js';
import {resolvePlugin} from './resolve.js';
import {moduleExport, type ModuleExport} from './shape.js';
import type {PluginSpec} from './types.js';

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts']);

/** Resolves and imports `specifier` and returns what its module offers as the plugin (not yet validated). */
export async function pluginFromModule(specifier: string, baseDir: string, options: Record<string, unknown>): Promise<unknown> {
	let file: string;
	try {
		file = resolvePlugin(specifier, baseDir).file;
	} catch (error) {
		throw new LoadStop('resolve', error);
	}
	let namespace: Record<string, unknown>;
	try {
		namespace = (await import(isAbsolute(file) ? pathToFileURL(file).href : file)) as Record<string, unknown>;
	} catch (error) {
		throw new LoadStop('import', error);
	}
	let offered: ModuleExport;
	try {
		offered = moduleExport(namespace);
	} catch (error) {
		throw new LoadStop('shape', error);
	}
	if ('value' in offered) return offered.value;
	try {
		return await offered.factory(options);
	} catch (error) {
		throw new LoadStop('factory', error);
	}
}

/**
 * The plugin entries of a directory listing, sorted by name: module files (.js, .mjs, .cjs, .ts, .mts; not
 * .d.ts or *.test.*) and subdirectories. Names starting with `.` or `_` and node_modules are skipped.
 * `options` are looked up by entry name without extension.
 */
export function directorySpecs(directory: string, entries: Dirent[], options: Record<string, Record<string, unknown>>): PluginSpec[] {
	const specs: PluginSpec[] = [];
	for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
		const {name} = entry;
		if (name.startsWith('.') || name.startsWith('_') || name === 'node_modules') continue;
		const extension = extname(name);
		const isModule = entry.isFile() && MODULE_EXTENSIONS.has(extension) && !name.endsWith('.d.ts') && !/\.test\.[cm]?[jt]s$/.test(name);
		if (!isModule && !entry.isDirectory()) continue;
		const key = entry.isDirectory() ? name : name.slice(0, -extension.length);
		specs.push({specifier: join(directory, name), options: options[key] ?? {}});
	}
	return specs;
}
