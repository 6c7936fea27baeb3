/**
 * Installs perftop's two replacements of Ink internals (fast-output.ts: frame assembly, bounded-measure.ts:
 * text measurement) only where they are known to be right, and falls back to Ink's own code everywhere else.
 *
 * Both replacements reach past Ink's `exports` map into its build files and patch prototypes for the whole
 * process, because Ink's measurement caches grow without bound (https://github.com/vadimdemedes/ink/issues/986)
 * and its frame assembly allocates an object per screen cell. They were written against one Ink release,
 * {@link INK_PATCHES_FOR}; the version is read from the package.json of the Ink that `import 'ink'` resolves to
 * (at run time, next to the build files the patches load), and the packages both call ({@link SHARED_PACKAGES})
 * must be the copies Ink loads. On any other version or copy, on any error while installing, or on an error
 * later inside a patched method, Ink's own code is used and one line carrying {@link INK_PATCHES_CODE} goes to
 * stderr (once per process). `PERFTOP_INK_PATCHES=0` turns them off silently.
 */
import {existsSync, readFileSync, realpathSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {installBoundedMeasure, uninstallBoundedMeasure} from './bounded-measure.js';
import {installFastOutput, uninstallFastOutput} from './fast-output.js';

/** The Ink release the patches were written against (and compared with, byte for byte, in the tests). */
export const INK_PATCHES_FOR = '6.8.0';

/** The code of the notice printed when the patches are not used although they were not turned off. */
export const INK_PATCHES_CODE = 'PERFTOP_INK_PATCHES_SKIPPED';

/** The environment variable that turns the patches off when set to `0`. */
export const INK_PATCHES_ENV = 'PERFTOP_INK_PATCHES';

/** What {@link installInkPatches} did. */
export type InkPatchesOutcome =
	| {
			/** Both patches are in place. */
			state: 'installed';
			/** Ink's version as read from its package.json. */
			version: string;
	  }
	| {
			/** `PERFTOP_INK_PATCHES=0`: Ink's own code, no notice. */
			state: 'disabled';
	  }
	| {
			/** Ink's own code, and the notice (already written to stderr unless one was written before). */
			state: 'fallback';
			/** The version read, or null when it could not be read. */
			version: string | null;
			notice: string;
	  };

/** Options of {@link installInkPatches}; the defaults are the process's own. */
export interface InkPatchesOptions {
	/** Read for {@link INK_PATCHES_ENV}. Default: `process.env`. */
	env?: NodeJS.ProcessEnv;
	/** Writes the one-line notice. Default: `process.stderr.write`. */
	notify?: (line: string) => void;
	/** Ink's version; default: read from the package.json of the Ink this module resolves (tests pass another). */
	inkVersion?: () => string;
}

/**
 * Packages whose functions the patches call where Ink calls its own copy: they must be the very copies Ink
 * loads, or the same Ink version could still draw differently.
 */
export const SHARED_PACKAGES: readonly string[] = ['@alcalzone/ansi-tokenize', 'cli-truncate', 'widest-line', 'wrap-ansi', 'yoga-layout'];

interface InkPackage {
	/** The directory of Ink's package.json. */
	dir: string;
	version: string;
}

/**
 * The Ink package `import 'ink'` resolves to from here. Ink's `exports` map does not export its package.json,
 * so the file is found by walking up from the resolved entry point to the first package.json named `ink`.
 */
function resolvedInk(): InkPackage {
	const entry = createRequire(import.meta.url).resolve('ink');
	for (let directory = dirname(entry); ; ) {
		let manifest: {name?: unknown; version?: unknown} | null = null;
		try {
			manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {name?: unknown; version?: unknown};
		} catch {
			// No package.json at this level (or not JSON): keep walking up.
		}
		if (manifest?.name === 'ink' && typeof manifest.version === 'string') return {dir: directory, version: manifest.version};
		const parent = dirname(directory);
		if (parent === directory) throw new Error(`no package.json of ink above ${entry}`);
		directory = parent;
	}
}

/** The version in the package.json of the Ink package `import 'ink'` resolves to from here. */
export function resolvedInkVersion(): string {
	return resolvedInk().version;
}

/** The directory Node's package lookup finds `name` in from `start` (the nearest node_modules/name), or null. */
function packageDirFrom(start: string, name: string): string | null {
	for (let directory = start; ; ) {
		const candidate = join(directory, 'node_modules', name);
		if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
		const parent = dirname(directory);
		if (parent === directory) return null;
		directory = parent;
	}
}

/**
 * The packages of `names` that code in `ownDir` would load from another copy than code in `inkDir` (Ink's
 * package directory): e.g. a copy nested under Ink's node_modules because the versions disagree.
 */
export function packagesApart(inkDir: string, ownDir: string, names: readonly string[] = SHARED_PACKAGES): string[] {
	return names.filter(name => packageDirFrom(inkDir, name) !== packageDirFrom(ownDir, name));
}

let noticeWritten = false;
/** The notice of a patch that failed while drawing, kept for {@link takeInkPatchesNotice}. */
let pendingNotice: string | null = null;

function notice(reason: string): string {
	return `perftop: ${INK_PATCHES_CODE}: ${reason}; drawing with Ink's own code (same frames, more CPU and memory; ${INK_PATCHES_ENV}=0 skips the patches without this notice)`;
}

/** An error's message on one line. */
function describe(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

function tell(line: string, notify: (line: string) => void): void {
	if (noticeWritten) return;
	noticeWritten = true;
	try {
		notify(line);
	} catch {
		// A notice that cannot be written must not stop the TUI.
	}
}

function uninstallAll(): void {
	uninstallFastOutput();
	uninstallBoundedMeasure();
}

/**
 * Called by a patched method that threw while drawing: the patches are taken out (Ink's own code draws from the
 * next frame on) and the notice is kept, not printed, while the TUI owns the screen: {@link takeInkPatchesNotice}
 * hands it to the caller once the terminal is restored.
 */
function onPatchError(error: unknown): void {
	uninstallAll();
	if (noticeWritten) return;
	noticeWritten = true;
	pendingNotice = notice(`a patched Ink method failed while drawing (${describe(error)})`);
}

/**
 * Installs both patches for the app Ink renders to `stdout` when Ink's version is {@link INK_PATCHES_FOR} and
 * `PERFTOP_INK_PATCHES` is not `0`; otherwise (or when installing fails) leaves Ink's own code in place and
 * writes the one-line notice. Never rejects. Call it before the TUI takes the screen, so the notice stays
 * readable in the shell after the session.
 */
export async function installInkPatches(stdout: object, options: InkPatchesOptions = {}): Promise<InkPatchesOutcome> {
	const env = options.env ?? process.env;
	const notify = options.notify ?? ((line: string) => void process.stderr.write(`${line}\n`));
	if (env[INK_PATCHES_ENV] === '0') return {state: 'disabled'};
	let ink: InkPackage;
	try {
		const found = resolvedInk();
		ink = options.inkVersion ? {dir: found.dir, version: options.inkVersion()} : found;
	} catch (error) {
		const line = notice(`cannot read Ink's version (${describe(error)})`);
		tell(line, notify);
		return {state: 'fallback', version: null, notice: line};
	}
	const {version} = ink;
	if (version !== INK_PATCHES_FOR) {
		const line = notice(`Ink ${version} is installed, the patches were written for Ink ${INK_PATCHES_FOR}`);
		tell(line, notify);
		return {state: 'fallback', version, notice: line};
	}
	let apart: string[];
	try {
		apart = packagesApart(ink.dir, dirname(fileURLToPath(import.meta.url)));
	} catch (error) {
		apart = [`(unknown: ${describe(error)})`];
	}
	if (apart.length > 0) {
		const line = notice(`Ink loads its own copy of ${apart.join(', ')}`);
		tell(line, notify);
		return {state: 'fallback', version, notice: line};
	}
	// Both settle before deciding, so that one that fails cannot leave the other installing behind the fallback.
	const results = await Promise.allSettled([installFastOutput({onError: onPatchError}), installBoundedMeasure(stdout, {onError: onPatchError})]);
	const failure = results.find(result => result.status === 'rejected');
	if (failure === undefined) return {state: 'installed', version};
	uninstallAll();
	const line = notice(`installing them failed (${describe(failure.reason)})`);
	tell(line, notify);
	return {state: 'fallback', version, notice: line};
}

/**
 * The notice of a patch that failed while drawing (the patches are already out), or null; returns it once.
 * The live view prints it after leaving the alternate screen.
 */
export function takeInkPatchesNotice(): string | null {
	const line = pendingNotice;
	pendingNotice = null;
	return line;
}

/** Takes both patches out and forgets that a notice was written (tests). */
export function resetInkPatches(): void {
	uninstallAll();
	noticeWritten = false;
	pendingNotice = null;
}
