/**
 * The error a plugin load (or teardown) fails with: it names the plugin or specifier, says at which stage
 * it failed, and carries the original error as `cause`.
 */
import {describe} from '../faults/faults.js';

/** A shape problem; the message completes "plugin 'x' has the wrong shape: ...". */
export class ShapeError extends Error {}

/** Where a plugin failed, with its stable error code. */
export const PluginErrorCode = {
	/** No file, directory or package for the specifier. */
	resolve: 'E_PLUGIN_NOT_FOUND',
	/** The module threw while being imported (or could not be parsed). */
	import: 'E_PLUGIN_IMPORT',
	/** The module's default-export factory threw or rejected. */
	factory: 'E_PLUGIN_FACTORY',
	/** The export or the plugin object does not have the plugin shape. */
	shape: 'E_PLUGIN_SHAPE',
	/** Another live plugin already has this name. */
	duplicate: 'E_PLUGIN_DUPLICATE',
	/** The plugin's setup threw or rejected. */
	setup: 'E_PLUGIN_SETUP',
	/** The plugin's teardown threw or rejected (the plugin was removed anyway). */
	teardown: 'E_PLUGIN_TEARDOWN',
} as const;

/** The stage at which a plugin load failed (a key of {@link PluginErrorCode}). */
export type PluginStage = keyof typeof PluginErrorCode;
/** A plugin error's stable code (a value of {@link PluginErrorCode}). */
export type PluginErrorCode = (typeof PluginErrorCode)[PluginStage];

/** A plugin failure. `message` reads as one line, e.g. `plugin 'db' failed in setup: connection refused`. */
export class PluginError extends Error {
	readonly code: PluginErrorCode;
	readonly stage: PluginStage;
	/** The plugin's name, when known at the time of failure. */
	readonly plugin: string | null;
	/** What was asked for, as given: a path, a package name, or `object` for a registered object. */
	readonly specifier: string;

	constructor(stage: PluginStage, who: {plugin: string | null; specifier: string}, detail: string, cause?: unknown) {
		super(`${subject(who)} ${detail}`, cause === undefined ? undefined : {cause});
		this.name = 'PluginError';
		this.code = PluginErrorCode[stage];
		this.stage = stage;
		this.plugin = who.plugin;
		this.specifier = who.specifier;
	}

	/** A failure caused by `cause` (anything thrown); its description ends the message. */
	static from(stage: PluginStage, who: {plugin: string | null; specifier: string}, cause: unknown): PluginError {
		return new PluginError(stage, who, `${STAGE_TEXT[stage]}: ${describe(cause)}`, cause);
	}
}

const STAGE_TEXT: Record<PluginStage, string> = {
	resolve: 'could not be found',
	import: 'threw while its module was imported',
	factory: 'failed in its factory',
	shape: 'has the wrong shape',
	duplicate: 'has a duplicate name',
	setup: 'failed in setup',
	teardown: 'failed in teardown',
};

function subject({plugin, specifier}: {plugin: string | null; specifier: string}): string {
	if (plugin === null) return specifier === 'object' ? 'the plugin object' : `plugin '${specifier}'`;
	if (specifier === 'object' || specifier === plugin) return `plugin '${plugin}'`;
	return `plugin '${plugin}' (${specifier})`;
}

/** Thrown inside a load to end it at a stage; the manager turns it into a PluginError once the name is known. */
export class LoadStop {
	constructor(
		readonly stage: PluginStage,
		readonly cause: unknown,
		/** A complete detail text, for failures that have no cause to describe. */
		readonly detail: string | null = null,
	) {}
}

/** The PluginError for anything a load threw. */
export function toPluginError(thrown: unknown, who: {plugin: string | null; specifier: string}): PluginError {
	if (thrown instanceof LoadStop) {
		if (thrown.detail !== null) return new PluginError(thrown.stage, who, thrown.detail);
		if (thrown.stage === 'shape' && thrown.cause instanceof ShapeError) return new PluginError('shape', who, `has the wrong shape: ${thrown.cause.message}`, thrown.cause);
		return PluginError.from(thrown.stage, who, thrown.cause);
	}
	// Not a stage's failure: something unexpected in the pipeline itself, reported as a failed import.
	return PluginError.from('import', who, thrown);
}
