/**
 * The live view in a terminal whose environment sets `CI`. Ink's is-in-ci check (any `CI` but `0`/`false`)
 * makes Ink draw nothing until exit, and chalk's colour detection turns colour off for any `CI` at all, even
 * `CI=false`. Both read the environment once, when they are first loaded. When stdout is a terminal a person
 * is looking at it, so the live view loads Ink with `CI` hidden and puts it back right after: colour then
 * follows only NO_COLOR, `--no-color` and FORCE_COLOR (see theme.ts), and child processes see the environment
 * unchanged.
 */

/** The variables that make Ink or chalk believe they run in CI. */
export const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Runs `load` (which imports Ink and the modules that use it) with {@link CI_VARIABLES} removed from `env`
 * when `isTTY`, then restores them as they were. Resolves with what `load` resolved with.
 */
export async function loadForTerminal<T>(load: () => Promise<T>, isTTY: boolean, env: NodeJS.ProcessEnv = process.env): Promise<T> {
	if (!isTTY) return load();
	const saved = new Map<string, string>();
	for (const name of CI_VARIABLES) {
		const value = env[name];
		if (value !== undefined) {
			saved.set(name, value);
			delete env[name];
		}
	}
	try {
		return await load();
	} finally {
		for (const [name, value] of saved) env[name] = value;
	}
}
