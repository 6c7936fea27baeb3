/**
 * Turns the command's inputs (files, directories, glob patterns) into an ordered list of files, and
 * problems as sentences for the ones that give nothing. A rotated set is read in rotation order:
 * `perf.2.log` before `perf.10.log`.
 */
import {readdir, stat} from 'node:fs/promises';
import {join, resolve, sep} from 'node:path';
import {describeIoError} from './lines.js';

/** File names taken from a directory: `*.log`, `*.jsonl`, `*.ndjson`, each optionally `.gz`. */
export const LOG_FILE = /\.(log|jsonl|ndjson)(\.gz)?$/i;
/** Files a pattern may expand to, at most. */
const MAX_FILES = 100_000;

/** The files that inputs (files, directories, globs) expand to, and the inputs that named nothing, as sentences. */
export interface ExpandedInputs {
	files: string[];
	problems: string[];
}

/** Expands inputs in order, without duplicates. */
export async function expandInputs(inputs: string[]): Promise<ExpandedInputs> {
	const files: string[] = [];
	const problems: string[] = [];
	const seen = new Set<string>();
	const add = (path: string) => {
		const full = resolve(path);
		if (seen.has(full) || files.length >= MAX_FILES) return;
		seen.add(full);
		files.push(path);
	};
	for (const input of inputs) {
		if (hasMagic(input)) {
			const matches = await glob(input);
			const logs = matches.filter(path => LOG_FILE.test(path) || !hasMagic(input.split(/[\\/]/).pop() ?? ''));
			if (matches.length === 0) problems.push(`${input}: no files match this pattern`);
			for (const path of sortRotated(logs.length > 0 ? logs : matches)) add(path);
			continue;
		}
		let info;
		try {
			info = await stat(input);
		} catch (error) {
			problems.push(`${input}: ${describeIoError(error)}`);
			continue;
		}
		if (info.isDirectory()) {
			let entries: string[];
			try {
				entries = await readdir(input);
			} catch (error) {
				problems.push(`${input}: ${describeIoError(error)}`);
				continue;
			}
			const logs: string[] = [];
			for (const name of entries.filter(name => LOG_FILE.test(name))) {
				const path = join(input, name);
				try {
					if ((await stat(path)).isFile()) logs.push(path);
				} catch {
					// Vanished between readdir and stat (a rotation): nothing to read.
				}
			}
			if (logs.length === 0) problems.push(`${input}: a directory without log files (looked for *.log, *.jsonl, *.ndjson, optionally .gz)`);
			for (const path of sortRotated(logs)) add(path);
		} else if (info.isFile()) {
			add(input);
		} else {
			problems.push(`${input}: not a regular file`);
		}
	}
	return {files, problems};
}

/** True when a path contains glob characters. */
export function hasMagic(path: string): boolean {
	return /[*?[]/.test(path);
}

/** Sorts names so numbered rotations come in numeric order: a.2.log < a.10.log. */
export function sortRotated(paths: string[]): string[] {
	const collator = new Intl.Collator('en', {numeric: true});
	return [...paths].sort(collator.compare);
}

/**
 * Minimal glob: `*` and `?` within a path segment, `[abc]` classes, `**` for any depth of directories.
 * Hidden entries match only when the pattern segment starts with a dot.
 */
export async function glob(pattern: string): Promise<string[]> {
	const absolute = pattern.startsWith('/');
	const segments = pattern.split(/[\\/]+/).filter(segment => segment !== '');
	let fixed = 0;
	while (fixed < segments.length - 1 && !hasMagic(segments[fixed]!)) fixed++;
	const base = (absolute ? sep : '') + segments.slice(0, fixed).join(sep);
	const out: string[] = [];
	await walk(base === '' ? '.' : base, segments.slice(fixed), base === '', out);
	return out;
}

async function walk(dir: string, rest: string[], relative: boolean, out: string[]): Promise<void> {
	if (out.length >= MAX_FILES || rest.length === 0) return;
	const [segment, ...tail] = rest as [string, ...string[]];
	let entries;
	try {
		entries = await readdir(dir, {withFileTypes: true});
	} catch {
		return;
	}
	const path = (name: string) => (relative && dir === '.' ? name : join(dir, name));
	if (segment === '**') {
		await walk(dir, tail, relative, out);
		for (const entry of entries) if (entry.isDirectory() && !entry.name.startsWith('.')) await walk(path(entry.name), rest, relative, out);
		return;
	}
	const matcher = segmentRegExp(segment);
	for (const entry of entries) {
		if (!matcher.test(entry.name) || (entry.name.startsWith('.') && !segment.startsWith('.'))) continue;
		if (tail.length === 0) {
			if (entry.isFile() || entry.isSymbolicLink()) out.push(path(entry.name));
		} else if (entry.isDirectory()) {
			await walk(path(entry.name), tail, relative, out);
		}
	}
}

function segmentRegExp(segment: string): RegExp {
	let source = '';
	for (let index = 0; index < segment.length; index++) {
		const char = segment[index]!;
		if (char === '*') source += '.*';
		else if (char === '?') source += '.';
		else if (char === '[') {
			const end = segment.indexOf(']', index + 1);
			if (end === -1) source += '\\[';
			else {
				const body = segment.slice(index + 1, end).replace(/\\/g, '\\\\');
				source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
				index = end;
			}
		} else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
	}
	return new RegExp(`^${source}$`);
}
