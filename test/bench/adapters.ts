/**
 * The adapters section: each adapter's benchmark lives in test/bench/adapters/<name>.ts and exports
 * `run(context)`, and may export `goals` (the {@link GoalSpec}s it reports); they run in name order, side by
 * side with their references in the same run. One that throws reports its unreported goals as not measured
 * and the next still runs; one that cannot be loaded counts as one goal not measured.
 */
import {readdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {measurePart, type BenchContext, type BenchSection, type GoalSpec} from './harness.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'adapters');

/** The goals for the adapters, declared here too, so that a bench file that goes missing cannot take its goals with it. */
const GOALS: readonly GoalSpec[] = [
	{id: 'fastify-throughput', limit: 0.97, unit: 'x', direction: 'min'},
	{id: 'fastify-vs-fastify-metrics', limit: 0.99, unit: 'x', direction: 'min'},
	{id: 'tapable-tap-overhead', limit: 1.25, unit: 'x'},
	{id: 'rollup-build-overhead', limit: 1.03, unit: 'x'},
];

export const section: BenchSection = {
	name: 'adapters',
	description: 'Fastify, tapable, Rollup and hookable adapters against the same code bare (and against fastify-metrics)',
	goals: GOALS,
	async run(context) {
		for (const file of readdirSync(folder).filter(name => name.endsWith('.ts')).sort()) {
			const name = file.replace(/\.ts$/, '');
			context.log(`-- ${name}`);
			let adapter: {run: (context: BenchContext) => Promise<void>; goals?: readonly GoalSpec[]};
			try {
				adapter = (await import(join(folder, file))) as typeof adapter;
			} catch (error) {
				context.notMeasured({id: `adapters/${name}/*`, limit: Number.NaN, reason: `could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): every goal of it`});
				continue;
			}
			await measurePart(context, adapter.goals ?? [], adapter.run);
		}
	},
};
