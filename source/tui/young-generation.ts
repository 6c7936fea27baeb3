/**
 * The live view keeps V8's young generation small. The live view allocates a little on every snapshot and
 * frame (the parsed snapshot, a React render), almost all of it short-lived; V8 answers a steady allocation
 * rate by growing the young generation (new space) up to two 16 MiB semi-spaces by default, and a process
 * keeps that memory resident. For the live view that was the largest part of its memory above Ink and React's
 * own (bench rows `tui-rss` and `tui-rss-over-ink-floor`). A small new space means more scavenges, each short
 * because little of a frame's garbage survives it (bench row `tui-cpu`).
 *
 * How: V8 reads `--semi-space-growth-factor` each time it grows new space, so a factor of 1, set before Ink
 * and React load, keeps new space at the size it has then (the smallest, this early in the process).
 * `--max-semi-space-size` would say it directly, but V8 reads it only when the heap is set up, so it would
 * have to be on node's command line: a shebang (`#!/usr/bin/env -S node ...`) needs an `env` that knows `-S`
 * (BusyBox's does not) and is ignored by `node dist/cli.js`, and a re-exec keeps a second Node process alive.
 * A user who sets the young generation's size with node's own flags keeps it.
 */
import {setFlagsFromString} from 'node:v8';

/** What {@link limitYoungGeneration} did. */
export type YoungGenerationLimit = 'limited' | 'user-flags' | 'off';

/** Flags by which a user chooses the young generation's size themselves (V8 takes `_` for `-` too). */
const USER_FLAGS = /--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|max-young-generation-size)\b/;

const userFlag = (text: string): boolean => USER_FLAGS.test(text.replaceAll('_', '-'));

/**
 * Stops V8 from growing the young generation of this process, unless node's flags (`execArgv`, NODE_OPTIONS)
 * already size it or `PERFTOP_YOUNG_GENERATION=default` asks for V8's default. Call it before loading Ink and
 * React. Never throws.
 */
export function limitYoungGeneration(execArgv: readonly string[] = process.execArgv, env: NodeJS.ProcessEnv = process.env): YoungGenerationLimit {
	if (env['PERFTOP_YOUNG_GENERATION'] === 'default') return 'off';
	if (execArgv.some(userFlag) || userFlag(env['NODE_OPTIONS'] ?? '')) return 'user-flags';
	try {
		setFlagsFromString('--semi-space-growth-factor=1');
		return 'limited';
	} catch {
		return 'off';
	}
}
