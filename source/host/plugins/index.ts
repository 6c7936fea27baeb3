/** Plugin manager: the public part. */
export {PluginManager} from './manager.js';
export {PluginError, PluginErrorCode, type PluginStage} from './errors.js';
export type {HookFunction, LoadMemoryMode, LoadResult, Plugin, PluginContext, PluginFactory, PluginManagerOptions, PluginSpec} from './types.js';
