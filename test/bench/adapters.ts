/**
 * The adapters section: each adapter's benchmark lives in test/bench/adapters/<name>.ts and exports
 * `run(context)`; they run in name order, side by side with their references in the same run.
 */
import {readdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {BenchContext, BenchSection} from './harness.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'adapters');

export const section: BenchSection = {
	name: 'adapters',
	description: 'Fastify, tapable, Rollup and hookable adapters against the same code bare (and against fastify-metrics)',
	async run(context) {
		for (const file of readdirSync(folder).filter(name => name.endsWith('.ts')).sort()) {
			const {run} = (await import(join(folder, file))) as {run: (context: BenchContext) => Promise<void>};
			context.log(`-- ${file.replace(/\.ts$/, '')}`);
			await run(context);
		}
	},
};
