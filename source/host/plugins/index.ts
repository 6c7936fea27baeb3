/** Plugin manager: the public part. */
export {PluginManager} from './manager.js';
export {PluginError, PluginErrorCode, type PluginStage} from './errors.js';
/** The plugin manager's plugin, hook and option types. */
export type {HookFunction, LoadMemoryMode, LoadResult, Plugin, PluginContext, PluginFactory, PluginManagerOptions, PluginSpec} from './types.js';
