/**
 * Turns a plugin specifier into a module file.
 *
 * - A path (starts with `.`, `/` or `file:`, or is absolute) is taken relative to the base directory. A file
 *   is used as is; a missing extension is tried as .js, .mjs, .cjs, .ts, .mts. A directory is a package:
 *   its package.json "exports" (the "." entry; conditions import, node, default, require in the order the
 *   package lists them), else "main", else index.js / index.mjs / index.cjs / index.ts / index.mts.
 * - Anything else is a package name (`name`, `@scope/name`, optionally with a subpath), looked up in
 *   node_modules folders from the base directory upward (as Node does for the host's own imports), then
 *   with require.resolve from the base directory (NODE_PATH, global folders).
 *
 * Failures throw an Error whose message says what was looked for and where.
 */
import {existsSync, readFileSync, statSync} from 'node:fs';
import {createRequire} from 'node:module';
import {basename, dirname, extname, isAbsolute, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts'];
const INDEX_FILES = EXTENSIONS.map(extension => `index${extension}`);
const CONDITIONS = new Set(['import', 'node', 'default', 'require']);

/** A resolved plugin module. */
export interface ResolvedPlugin {
	/** Absolute path of the module file. */
	file: string;
	/** What to show as the plugin's source: the absolute path for paths, the specifier for packages. */
	source: string;
}

/** True when the specifier is a path rather than a package name. */
export function isPathSpecifier(specifier: string): boolean {
	return specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:') || isAbsolute(specifier);
}

/** Resolves `specifier` from `baseDir`; throws an Error saying what was missing. */
export function resolvePlugin(specifier: string, baseDir: string): ResolvedPlugin {
	if (specifier.trim() === '') throw new Error('the specifier is empty');
	if (isPathSpecifier(specifier)) {
		const path = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(baseDir, specifier);
		return {file: resolvePath(path), source: path};
	}
	return {file: resolvePackage(specifier, baseDir), source: specifier};
}

/** A readable plugin name for a specifier, used to report failures before the plugin's own name is known. */
export function nameFromSpecifier(specifier: string): string {
	if (!isPathSpecifier(specifier)) return specifier;
	const path = specifier.startsWith('file:') ? specifier.slice('file:'.length) : specifier;
	const trimmed = path.replace(/[\\/]+$/, '');
	const base = basename(trimmed, extname(trimmed));
	return base === 'index' ? basename(dirname(trimmed)) || base : base || specifier;
}

function kind(path: string): 'file' | 'directory' | null {
	try {
		const stat = statSync(path);
		return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : null;
	} catch {
		return null;
	}
}

function resolvePath(path: string): string {
	const found = kind(path);
	if (found === 'file') return path;
	if (found === 'directory') return resolveDirectory(path, '.');
	for (const extension of EXTENSIONS) if (kind(path + extension) === 'file') return path + extension;
	throw new Error(`no file or directory at ${path}`);
}

function resolveDirectory(directory: string, subpath: string): string {
	const manifestPath = join(directory, 'package.json');
	if (existsSync(manifestPath)) {
		let manifest: {exports?: unknown; main?: unknown};
		try {
			manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as typeof manifest;
		} catch (error) {
			throw new Error(`cannot read ${manifestPath}: ${error instanceof Error ? error.message : String(error)}`);
		}
		if (manifest.exports !== undefined && manifest.exports !== null) {
			const target = exportsTarget(manifest.exports, subpath);
			if (target === null) throw new Error(`the "exports" of ${manifestPath} have no entry for '${subpath}'`);
			const file = join(directory, target);
			if (kind(file) !== 'file') throw new Error(`the "exports" of ${manifestPath} point to ${file}, which does not exist`);
			return file;
		}
		if (subpath !== '.') return resolvePath(join(directory, subpath));
		if (typeof manifest.main === 'string' && manifest.main !== '') {
			const main = join(directory, manifest.main);
			try {
				return resolvePath(main);
			} catch {
				throw new Error(`the "main" of ${manifestPath} points to ${main}, which does not exist`);
			}
		}
	} else if (subpath !== '.') {
		return resolvePath(join(directory, subpath));
	}
	for (const index of INDEX_FILES) if (kind(join(directory, index)) === 'file') return join(directory, index);
	throw new Error(`the directory ${directory} has no package.json entry point and no ${INDEX_FILES.join('/')}`);
}

function exportsTarget(exports: unknown, subpath: string): string | null {
	if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.' ? conditionTarget(exports) : null;
	if (typeof exports !== 'object' || exports === null) return null;
	const keys = Object.keys(exports);
	if (keys.some(key => key.startsWith('.'))) {
		const entry = (exports as Record<string, unknown>)[subpath];
		return entry === undefined ? null : conditionTarget(entry);
	}
	return subpath === '.' ? conditionTarget(exports) : null;
}

function conditionTarget(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) {
		for (const item of value) {
			const target = conditionTarget(item);
			if (target !== null) return target;
		}
		return null;
	}
	if (typeof value !== 'object' || value === null) return null;
	for (const [condition, target] of Object.entries(value)) {
		if (!CONDITIONS.has(condition)) continue;
		const found = conditionTarget(target);
		if (found !== null) return found;
	}
	return null;
}

function resolvePackage(specifier: string, baseDir: string): string {
	const parts = specifier.split('/');
	const nameLength = specifier.startsWith('@') ? 2 : 1;
	const name = parts.slice(0, nameLength).join('/');
	const rest = parts.slice(nameLength).join('/');
	const subpath = rest === '' ? '.' : `./${rest}`;
	if (name === '' || (specifier.startsWith('@') && parts.length < 2)) throw new Error(`'${specifier}' is not a package name`);
	for (let directory = resolve(baseDir); ; directory = dirname(directory)) {
		const candidate = join(directory, 'node_modules', name);
		if (kind(candidate) === 'directory') return resolveDirectory(candidate, subpath);
		if (dirname(directory) === directory) break;
	}
	try {
		return createRequire(join(resolve(baseDir), 'noop.js')).resolve(specifier);
	} catch {
		throw new Error(`no package '${name}' in node_modules from ${resolve(baseDir)} upward`);
	}
}
