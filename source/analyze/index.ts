/** perftop analyze: reading perf logs. */
export {runAnalyze, analyzeHelp, AnalyzeExit, type AnalyzeCommandOptions, type AnalyzeIo} from './command.js';
export {analyzeInputs, type AnalyzeOptions} from './analyze.js';
export {compareAnalyses, type Comparison, type CompareOptions} from './compare.js';
export type {AnalysisResult, LatencyRow, PluginRow} from './result.js';
