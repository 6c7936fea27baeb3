/**
 * `perftop/tapable`: per-plugin timing for tapable hooks ({@link instrumentTapable}) and for webpack builds
 * ({@link PerftopWebpackPlugin}). Imports neither tapable nor webpack: both are reached through the objects
 * passed in.
 */
export {instrumentTapable, TapableInstrumentation, type TapableOptions} from './tapable/instrument.js';
export {PerftopWebpackPlugin, PERFTOP_WEBPACK_PLUGIN, type PerftopWebpackPluginOptions, type WebpackCompilerLike} from './tapable/webpack.js';
