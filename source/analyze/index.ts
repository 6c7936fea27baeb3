/** perftop analyze: reading perf logs. */
export {analyzeInputs, type AnalyzeOptions} from './analyze.js';
export {compareAnalyses, type Comparison, type CompareOptions} from './compare.js';
/** The shapes of analyze's result. */
export type {AnalysisResult, LatencyRow, PluginRow} from './result.js';
