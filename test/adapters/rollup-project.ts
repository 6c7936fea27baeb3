/**
 * A small but real project for Rollup builds, written to a directory: ES modules, a CommonJS package under
 * node_modules (resolved by @rollup/plugin-node-resolve, converted by @rollup/plugin-commonjs) that requires
 * its own files and a JSON table, JSON imported from ES modules (@rollup/plugin-json) and a dynamic import (a
 * second chunk). Shared by the Rollup adapter's tests and its benchmark.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import commonjsModule from '@rollup/plugin-commonjs';
import jsonModule from '@rollup/plugin-json';
import type {InputPluginOption, OutputOptions, Plugin, RollupOptions} from 'rollup';

/**
 * The plugins' factories. Their declaration files are typed as CommonJS (no `"type": "module"`), so under
 * NodeNext TypeScript sees the default import as the module object; at run time the ES build's default
 * export is the factory itself.
 */
export const commonjs = commonjsModule as unknown as (options?: object) => Plugin;
export const json = jsonModule as unknown as (options?: object) => Plugin;

/** Where the project was written and what to pass to Rollup. */
export interface RollupProject {
	dir: string;
	input: string;
	/** Module count, for sanity checks (ES + CommonJS + JSON). */
	modules: number;
}

/** Writes the project into `dir` (which must exist or be creatable): `size` ES modules and `size` CommonJS files. */
export function writeRollupProject(dir: string, size = 12): RollupProject {
	const write = (path: string, text: string) => {
		mkdirSync(join(dir, path, '..'), {recursive: true});
		writeFileSync(join(dir, path), text);
	};
	write('package.json', JSON.stringify({name: 'rollup-fixture', version: '1.0.0', type: 'module'}, null, 2));
	write('src/config.json', JSON.stringify({name: 'fixture', factors: Array.from({length: size}, (_, index) => index * 3 + 1)}, null, 2));
	for (let index = 0; index < size; index++) {
		write(
			`src/feature-${index}.js`,
			[
				`import config from './config.json';`,
				`import {part${index}} from 'legacy-lib';`,
				`export function feature${index}(value) {`,
				`\tconst factor = config.factors[${index}];`,
				`\tlet total = 0;`,
				`\tfor (let step = 0; step < factor; step++) total += part${index}(value + step);`,
				`\treturn {name: 'feature-${index}', total, label: \`\${config.name}:${index}:\${total}\`};`,
				`}`,
				'',
			].join('\n'),
		);
	}
	write(
		'src/main.js',
		[
			...Array.from({length: size}, (_, index) => `import {feature${index}} from './feature-${index}.js';`),
			`export const features = [${Array.from({length: size}, (_, index) => `feature${index}`).join(', ')}];`,
			`export function runAll(value) {`,
			`\treturn features.map(feature => feature(value));`,
			`}`,
			`export function lazy() {`,
			`\treturn import('./lazy.js').then(module => module.describe());`,
			`}`,
			'',
		].join('\n'),
	);
	write('src/lazy.js', `import config from './config.json';\nexport function describe() {\n\treturn \`\${config.name} has \${config.factors.length} factors\`;\n}\n`);
	write('node_modules/legacy-lib/package.json', JSON.stringify({name: 'legacy-lib', version: '2.1.0', main: 'index.js'}, null, 2));
	write('node_modules/legacy-lib/table.json', JSON.stringify({offsets: Array.from({length: size}, (_, index) => (index * 7) % 11)}, null, 2));
	for (let index = 0; index < size; index++) {
		write(
			`node_modules/legacy-lib/lib/part-${index}.js`,
			[
				`'use strict';`,
				`const table = require('../table.json');`,
				index > 0 ? `const previous = require('./part-${index - 1}.js');` : `const previous = {compute: value => value};`,
				`function compute(value) {`,
				`\treturn previous.compute(value) + table.offsets[${index}];`,
				`}`,
				`module.exports = {compute};`,
				'',
			].join('\n'),
		);
	}
	write(
		'node_modules/legacy-lib/index.js',
		[`'use strict';`, ...Array.from({length: size}, (_, index) => `exports.part${index} = require('./lib/part-${index}.js').compute;`), ''].join('\n'),
	);
	return {dir, input: join(dir, 'src', 'main.js'), modules: 2 * size + 5};
}

/** Rollup options for the project with the given plugins (no warnings expected; any warning fails loudly). */
export function projectOptions(project: RollupProject, plugins: InputPluginOption[], warnings: string[] = []): RollupOptions {
	return {
		input: project.input,
		plugins,
		onwarn(warning) {
			warnings.push(warning.message);
		},
	};
}

/** The output options both builds use (ES chunks in memory). */
export const projectOutput: OutputOptions = {format: 'es', sourcemap: true};
