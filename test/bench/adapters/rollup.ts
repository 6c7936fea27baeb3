/**
 * Adapter bench `rollup`: what perftopRollup adds to a real Rollup build. The build: the fixture project of
 * the adapter's tests (ES modules, a CommonJS package with a JSON table, JSON imports, a dynamic import) with
 * @rollup/plugin-node-resolve, commonjs and json, rollup() + generate() (ES, sourcemaps) + close(), fresh
 * plugin instances every build as a config would make them. The same build with perftopRollup first and bare
 * run interleaved in one process, each after a full GC; each round keeps each side's fastest build, and the goal
 * is the median of the per-round ratios. Builds are timed by the process's CPU time (all threads: Rollup's own
 * and libuv's), which a busy machine does not inflate at random as it does wall time; the wall-clock ratio is a row.
 * On a shared machine the per-round ratios still scatter by tens of percent, so a row also gives perftop's own
 * share of the monitored build's CPU samples (V8's profiler), which the machine's load does not move.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {Session} from 'node:inspector/promises';
import {tmpdir} from 'node:os';
import {join, sep} from 'node:path';
import {fileURLToPath} from 'node:url';
import {nodeResolve} from '@rollup/plugin-node-resolve';
import {rollup, type InputPluginOption} from 'rollup';
import {PerformanceMonitor} from '../../../source/index.js';
import {perftopRollup} from '../../../source/adapters/rollup.js';
import {commonjs, json, projectOptions, projectOutput, writeRollupProject, type RollupProject} from '../../adapters/rollup-project.js';
import {median, type BenchContext} from '../harness.js';
import {collect, sink} from '../measure.js';

/** One whole build with `extra` plugins in front of the project's three; returns the output's length. */
async function buildOnce(project: RollupProject, extra: InputPluginOption[]): Promise<number> {
	const warnings: string[] = [];
	const bundle = await rollup(projectOptions(project, [...extra, nodeResolve(), commonjs(), json()], warnings));
	const {output} = await bundle.generate(projectOutput);
	await bundle.close();
	if (warnings.length > 0) throw new Error(`the bench build warned: ${warnings[0]}`);
	return output.reduce((length, file) => length + (file.type === 'chunk' ? file.code.length : 0), 0);
}

/** CPU time (user + system, all threads) and wall time of one build, in ns, after a full GC. */
async function timeBuild(build: () => Promise<number>): Promise<{cpu: number; wall: number}> {
	collect();
	const cpu = process.cpuUsage();
	const start = process.hrtime.bigint();
	sink(await build());
	const wall = Number(process.hrtime.bigint() - start);
	const used = process.cpuUsage(cpu);
	return {cpu: (used.user + used.system) * 1000, wall};
}

/** perftop's source folder: CPU samples in code under it are perftop's own work. */
const SOURCE = fileURLToPath(new URL('../../../source/', import.meta.url));

/**
 * The share of CPU samples (idle excluded) that fall in perftop's own code during `builds` monitored builds,
 * by V8's sampling profiler. Unlike the ratio of two build times, this does not depend on how busy the
 * machine is; it leaves out what perftop costs indirectly (garbage from its promise reactions).
 */
async function ownShare(build: () => Promise<number>, builds: number): Promise<number> {
	const session = new Session();
	session.connect();
	try {
		await session.post('Profiler.enable');
		await session.post('Profiler.setSamplingInterval', {interval: 100});
		await session.post('Profiler.start');
		for (let index = 0; index < builds; index++) sink(await build());
		const {profile} = await session.post('Profiler.stop');
		// A sample is perftop's when its frame is in perftop's code, or is a builtin without a script (the clock
		// read, a Map lookup) called from perftop's code.
		const parent = new Map<number, number>();
		for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
		const byId = new Map(profile.nodes.map(node => [node.id, node]));
		const owned = new Map<number, boolean>();
		const isPerftop = (id: number): boolean => {
			const known = owned.get(id);
			if (known !== undefined) return known;
			const frame = byId.get(id)!.callFrame;
			const up = parent.get(id);
			let mine: boolean;
			if (frame.url === '') mine = !frame.functionName.startsWith('(') && up !== undefined && isPerftop(up);
			else {
				const path = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
				mine = path.startsWith(SOURCE) && !path.includes(`${sep}node_modules${sep}`);
			}
			owned.set(id, mine);
			return mine;
		};
		const idle = profile.nodes.find(node => node.callFrame.functionName === '(idle)')?.id ?? -1;
		let own = 0;
		let busy = 0;
		for (const id of profile.samples ?? []) {
			if (id === idle) continue;
			busy++;
			if (isPerftop(id)) own++;
		}
		return busy > 0 ? own / busy : Number.NaN;
	} finally {
		session.disconnect();
	}
}

/** The `rollup` part of the adapters section (see the file comment). */
export async function run(context: BenchContext): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'perftop-bench-rollup-'));
	try {
		const project = writeRollupProject(dir, context.quick ? 20 : 60);
		const monitor = new PerformanceMonitor({samplers: false, alerts: false});
		let monitoredBuilds = 0;
		const builds = {
			bare: () => buildOnce(project, []),
			ours: () => {
				monitoredBuilds++;
				return buildOnce(project, [perftopRollup({monitor})]);
			},
		};
		const reps = context.quick ? 2 : 5;
		for (let index = 0; index < 3; index++) for (const build of [builds.bare, builds.ours]) await timeBuild(build);
		const cpu = {bare: [] as number[], ours: [] as number[]};
		const wall = {bare: [] as number[], ours: [] as number[]};
		for (let round = 0; round < context.rounds; round++) {
			const best = {bare: {cpu: Infinity, wall: Infinity}, ours: {cpu: Infinity, wall: Infinity}};
			for (let rep = 0; rep < reps; rep++) {
				// Alternate which side goes first, so neither always follows the other.
				const order = (round + rep) % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const);
				for (const side of order) {
					const time = await timeBuild(builds[side]);
					best[side].cpu = Math.min(best[side].cpu, time.cpu);
					best[side].wall = Math.min(best[side].wall, time.wall);
				}
			}
			for (const side of ['bare', 'ours'] as const) {
				cpu[side].push(best[side].cpu);
				wall[side].push(best[side].wall);
			}
		}
		const hookCalls = monitor.getPerformanceSummary().plugins.reduce((total, plugin) => total + plugin.calls.count, 0);
		const perBuild = Math.round(hookCalls / monitoredBuilds);
		const share = await ownShare(builds.ours, context.quick ? 3 : 8);
		const ms = (ns: number) => ns / 1e6;
		const spread = (values: number[]) => `per-round ratios ${Math.min(...values).toFixed(3)}..${Math.max(...values).toFixed(3)}`;
		const cpuRatios = cpu.ours.map((value, round) => value / cpu.bare[round]!);
		context.row({name: `rollup build, ${project.modules} modules, node-resolve + commonjs + json (bare), CPU`, value: ms(median(cpu.bare)), unit: 'ms'});
		context.row({name: 'the same build with perftopRollup first, CPU', value: ms(median(cpu.ours)), unit: 'ms', ratio: median(cpuRatios), note: `${spread(cpuRatios)}; ${perBuild} hook calls timed per build`});
		context.row({name: "perftop's own code in the monitored build's CPU samples", value: share * 100, unit: '%', note: 'V8 sampling profiler, idle excluded: the direct cost, independent of machine load'});
		context.row({name: 'bare build, wall clock', value: ms(median(wall.bare)), unit: 'ms'});
		context.row({name: 'with perftopRollup, wall clock', value: ms(median(wall.ours)), unit: 'ms', ratio: median(wall.ours.map((value, round) => value / wall.bare[round]!))});
		context.goal({
			id: 'rollup-build-overhead',
			measured: median(cpuRatios),
			limit: 1.03,
			unit: 'x',
			note: `build CPU time with perftopRollup / bare, median of ${context.rounds} per-round ratios of each side's fastest of ${reps} builds`,
		});
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}
