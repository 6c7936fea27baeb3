/** perftop analyze: reading perf logs. */
export {analyzeInputs, type AnalyzeOptions} from './analyze.js';
export {compareAnalyses, type Comparison, type CompareOptions} from './compare.js';
export type {AnalysisResult, LatencyRow, PluginRow} from './result.js';
