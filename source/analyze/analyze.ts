/**
 * Reads perf logs (files, directories, globs; plain or gzip) and returns their analysis. Streams every
 * file; memory is bounded by the number of series, not by the size of the input.
 */
import {Aggregator, type AggregateOptions, type AnalyzeFilters} from './aggregate.js';
import {expandInputs} from './inputs.js';
import {DEFAULT_LIMITS, readLines, type ReadLimits} from './lines.js';
import type {AnalysisResult, InputReport} from './result.js';

/** Options of {@link analyzeInputs}: the aggregation options plus record filters and read limits. */
export interface AnalyzeOptions extends AggregateOptions {
	filters?: AnalyzeFilters;
	limits?: Partial<ReadLimits>;
}

/** Analyzes everything the inputs name. Never throws for bad input: problems are in the result. */
export async function analyzeInputs(inputs: string[], options: AnalyzeOptions = {}): Promise<AnalysisResult> {
	const {files, problems} = await expandInputs(inputs);
	const aggregator = new Aggregator(options.filters, options);
	const limits = {...DEFAULT_LIMITS, ...options.limits};
	const reports: InputReport[] = [];
	const onLine = (bytes: Buffer, start: number, end: number, last: boolean) => aggregator.line(bytes, start, end, last);
	for (const path of files) {
		const read = await readLines(path, onLine, limits);
		aggregator.oversized(read.oversized);
		if (read.error !== null) problems.push(`${path}: ${read.error}`);
		reports.push({path, gzip: read.gzip, bytes: read.bytes, lines: read.lines + read.oversized, error: read.error});
	}
	return aggregator.result(reports, problems);
}
