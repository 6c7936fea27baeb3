/**
 * Which build of React the live view runs. React, its reconciler (Ink's) and the scheduler each pick their
 * production or development build from NODE_ENV when they are first loaded, and they must all pick the same
 * one: a development React with a production reconciler renders nothing at all. So NODE_ENV is set before
 * any of them loads, and only when none of them has loaded yet. The live view always runs the production
 * build (the development build costs several times more per frame); a NODE_ENV the user's shell sets for
 * their own apps does not change that.
 */
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);

const REACT_MODULES = /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/]/;

/** Whether React, the reconciler or the scheduler is already loaded in this process (their builds are then fixed). */
export function reactLoaded(cache: Record<string, unknown> = require.cache): boolean {
	return Object.keys(cache).some(path => REACT_MODULES.test(path));
}

/**
 * Runs `load` (which imports the live view's modules) with NODE_ENV=production unless React is already
 * loaded, then puts NODE_ENV back as it was, so child processes and other code see an unchanged environment.
 * Resolves with what `load` resolved with, and whether React was loaded with the production build here
 * ('production') or had been loaded before ('unchanged': its build cannot change any more).
 */
export async function loadWithProductionReact<T>(load: () => Promise<T>, env: NodeJS.ProcessEnv = process.env, cache?: Record<string, unknown>): Promise<{loaded: T; build: 'production' | 'unchanged'}> {
	if (reactLoaded(cache)) return {loaded: await load(), build: 'unchanged'};
	const before = env['NODE_ENV'];
	env['NODE_ENV'] = 'production';
	try {
		return {loaded: await load(), build: 'production'};
	} finally {
		if (before === undefined) delete env['NODE_ENV'];
		else env['NODE_ENV'] = before;
	}
}
