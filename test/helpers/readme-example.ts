/**
 * Runs the readme's examples, so they cannot rot: a ```ts block right after a `<!-- example: NAME -->` line
 * is written to a file inside the package (so `import ... from 'perftop'` and 'perftop/<adapter>' resolve to
 * this checkout's sources) and run with tsx.
 */
import {execFile} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The code of the readme's example NAME; throws when the readme has none (a renamed marker fails the test). */
export function readmeExample(name: string): string {
	const readme = readFileSync(join(root, 'readme.md'), 'utf8');
	const marker = `<!-- example: ${name} -->`;
	const at = readme.indexOf(marker);
	if (at === -1) throw new Error(`readme.md has no '${marker}'`);
	const block = /^```ts\n([\s\S]*?)^```$/m.exec(readme.slice(at + marker.length));
	if (!block) throw new Error(`no \`\`\`ts block after '${marker}' in readme.md`);
	return block[1]!;
}

/** Runs the readme's example NAME in a child process; resolves with its output, rejects when it fails. */
export async function runReadmeExample(name: string, {timeoutMs = 60_000, env = {}}: {timeoutMs?: number; env?: NodeJS.ProcessEnv} = {}): Promise<{stdout: string; stderr: string}> {
	const dir = join(root, 'test-tmp', 'readme-examples');
	mkdirSync(dir, {recursive: true});
	const file = join(dir, `${name}-${process.pid}.ts`);
	writeFileSync(file, readmeExample(name));
	try {
		return await promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=source', file], {cwd: root, timeout: timeoutMs, env: {...process.env, ...env}, maxBuffer: 16 << 20});
	} finally {
		rmSync(file, {force: true});
	}
}
