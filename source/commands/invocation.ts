/**
 * The command a user types to run this perftop again, for hints such as "attach with: ...": `perftop` is on
 * the PATH only when the package is installed; in a checkout it is `npm run perftop --` or `node dist/cli.js`.
 */
import {accessSync, constants} from 'node:fs';
import {basename, delimiter, isAbsolute, join, relative} from 'node:path';

/** What {@link perftopCommand} looks at (the running process by default; tests pass their own). */
export interface Invocation {
	env?: Readonly<Record<string, string | undefined>>;
	/** `process.argv`: the script run is `argv[1]`. */
	argv?: readonly string[];
	/** `process.execArgv`: node options such as `--import tsx` that the script needs again. */
	execArgv?: readonly string[];
	cwd?: string;
}

/**
 * The words that start this perftop from the user's shell, e.g. `perftop`, `npx perftop`,
 * `npm run perftop --` or `node dist/cli.js`; append arguments to it.
 */
export function perftopCommand({env = process.env, argv = process.argv, execArgv = process.execArgv, cwd = process.cwd()}: Invocation = {}): string {
	// Started by one of the checkout's npm scripts (`npm run demo`, `npm run perftop`).
	if (env['npm_package_name'] === 'perftop' && (env['npm_lifecycle_event'] === 'perftop' || env['npm_lifecycle_event'] === 'demo')) return 'npm run perftop --';
	const script = argv[1];
	if (script === undefined) return 'perftop';
	if (basename(script) === 'perftop') {
		// The package's bin link: on the PATH (installed globally) or in a project's node_modules/.bin.
		const onPath = (env['PATH'] ?? '').split(delimiter).some(dir => dir !== '' && isExecutable(join(dir, 'perftop')) && samePath(join(dir, 'perftop'), script));
		return onPath ? 'perftop' : 'npx perftop';
	}
	const options = execArgv.filter(option => !option.startsWith('--inspect'));
	return ['node', ...options, shortPath(script, cwd)].map(shellWord).join(' ');
}

function isExecutable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

function samePath(a: string, b: string): boolean {
	return relative(a, b) === '';
}

/** `path` relative to `cwd` when it lies below it (dist/cli.js), else as it is. */
function shortPath(path: string, cwd: string): string {
	if (!isAbsolute(path)) return path;
	const inside = relative(cwd, path);
	return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
export function shellWord(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

