/**
 * A real Prometheus server (the distribution's `prometheus` package) scrapes a real monitored host every
 * second; histogram_quantile(0.95, ...) through the HTTP query API must agree with perftop's own p95 within the
 * resolution of the classic buckets (both in the same `le` bucket). Prometheus gets a temporary config and data
 * directory and a free port on 127.0.0.1, and is stopped when the test ends, failed or not.
 */
import assert from 'node:assert/strict';
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {createInterface} from 'node:readline';
import {test, type TestContext} from 'node:test';
import {fileURLToPath} from 'node:url';
import {DEFAULT_BOUNDARIES} from '../../source/protocol/exposition.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function which(command: string): string | null {
	const found = spawnSync('sh', ['-c', `command -v ${command}`], {encoding: 'utf8'});
	return found.status === 0 ? found.stdout.trim() : null;
}

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

/** Stops `child` (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
	await exited;
	clearTimeout(timer);
}

/** Starts the example host and waits for its READY line: the metrics URL and perftop's p95 per series. */
async function startHost(t: TestContext): Promise<{url: string; p95: Record<string, number>}> {
	const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'test', 'host', 'exposition', 'prom-host.ts')], {cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, PERFTOP_QUIET_FAULTS: '1'}});
	t.after(() => stop(child));
	let stderr = '';
	child.stderr!.setEncoding('utf8').on('data', chunk => (stderr += chunk));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the host did not start in 30 s: ${stderr}`)), 30_000);
		child.once('exit', code => reject(new Error(`the host exited (${code}): ${stderr}`)));
		createInterface({input: child.stdout!}).on('line', line => {
			const [tag, url, json] = line.split(' ');
			if (tag !== 'READY') return;
			clearTimeout(timer);
			resolve({url: url!, p95: JSON.parse(json!) as Record<string, number>});
		});
	});
}

async function query(base: string, promql: string): Promise<Array<{metric: Record<string, string>; value: [number, string]}>> {
	const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
	const body = (await response.json()) as {status: string; data: {result: Array<{metric: Record<string, string>; value: [number, string]}>}; error?: string};
	if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`);
	return body.data.result;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown = null;
	while (Date.now() < deadline) {
		try {
			const found = await probe();
			if (found !== null) return found;
		} catch (error) {
			last = error;
		}
		await new Promise(resolve => setTimeout(resolve, 250));
	}
	throw new Error(`${what} within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
}

test('a real Prometheus scrapes the host every second; its histogram_quantile(0.95) agrees with perftop\'s p95 within the bucket resolution', {timeout: 120_000}, async t => {
	const prometheus = which('prometheus');
	if (prometheus === null) {
		t.skip('prometheus not found: install the distribution\'s prometheus package (.ci/run does)');
		return;
	}
	const host = await startHost(t);
	const target = new URL(host.url);
	const dir = mkdtempSync(join(tmpdir(), 'pt-prom-'));
	t.after(() => rmSync(dir, {recursive: true, force: true}));
	const config = join(dir, 'prometheus.yml');
	writeFileSync(
		config,
		[
			'global:',
			'  scrape_interval: 1s',
			'  evaluation_interval: 1s',
			'scrape_configs:',
			'  - job_name: perftop',
			`    metrics_path: ${target.pathname}`,
			'    static_configs:',
			`      - targets: ['${target.host}']`,
			'',
		].join('\n'),
	);
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const server = spawn(prometheus, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {stdio: ['ignore', 'ignore', 'pipe']});
	let log = '';
	server.stderr!.setEncoding('utf8').on('data', chunk => (log = (log + chunk).slice(-4000)));
	t.after(() => stop(server));
	await until(`prometheus ready (log: ${log})`, 30_000, async () => ((await fetch(`${base}/-/ready`)).ok ? true : null));

	// The target is up and scraped without errors.
	const health = await until('a successful scrape of the host', 30_000, async () => {
		const response = (await (await fetch(`${base}/api/v1/targets`)).json()) as {data: {activeTargets: Array<{health: string; lastError: string}>}};
		const active = response.data.activeTargets[0];
		return active && active.health !== 'unknown' ? active : null;
	});
	assert.equal(health.lastError, '', 'the scrape had no error');
	assert.equal(health.health, 'up');

	const promql = 'histogram_quantile(0.95, perftop_hook_duration_seconds_bucket{plugin="pricing",hook="quote"})';
	const result = await until('a p95 from Prometheus', 30_000, async () => {
		const found = await query(base, promql);
		return found.length === 1 ? found[0]! : null;
	});
	const theirs = Number(result.value[1]);
	const ours = host.p95['pricing/quote']! / 1e3;
	// Both must lie in the same classic bucket: the resolution Prometheus has.
	const edges = [0, ...DEFAULT_BOUNDARIES];
	const upper = edges.findIndex(edge => edge >= ours);
	assert.ok(upper > 0, `perftop's p95 ${ours}s lies within the boundaries`);
	const low = edges[upper - 1]!;
	const high = edges[upper]!;
	assert.ok(theirs >= low && theirs <= high, `Prometheus p95 ${theirs}s and perftop's ${ours}s share the bucket (${low}, ${high}]`);

	// The other families arrive too, under their conventional names.
	const errors = await query(base, 'perftop_hook_errors_total{plugin="pricing"}');
	assert.equal(errors.length, 1);
	assert.equal(errors[0]!.value[1], '0');
	const rss = await until('process_resident_memory_bytes', 15_000, async () => {
		const found = await query(base, 'process_resident_memory_bytes');
		return found.length === 1 ? found[0]! : null;
	});
	assert.ok(Number(rss.value[1]) > 1e6);
	const failed = await query(base, 'perftop_plugin_loaded{plugin="broken \\"one\\""}');
	assert.equal(failed.length, 1);
	assert.equal(failed[0]!.metric['reason'], "Cannot find module 'x'");
	assert.equal(failed[0]!.value[1], '0');
	const hits = await query(base, 'perftop_cache_requests_total{cache="users",result="hit"}');
	assert.equal(hits[0]?.value[1], '2', 'a b a c a with room for two: a hits twice');
	const evictions = await query(base, 'perftop_cache_evictions_total{cache="users"}');
	assert.equal(evictions[0]?.value[1], '1', 'c evicts b');
	const count = await query(base, 'perftop_hook_duration_seconds_count{plugin="pricing",hook="quote"}');
	assert.equal(count[0]!.value[1], '1000');
});
