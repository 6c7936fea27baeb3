#!/usr/bin/env node
// Makes a checkout runnable: installs from the lockfile when node_modules is missing or stale,
// and (with --build) compiles source/ to dist/ when dist is missing or older than the sources.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wantBuild = process.argv.includes('--build');

function run(command, args) {
	const result = spawnSync(command, args, {cwd: root, stdio: ['ignore', process.stderr, process.stderr]});
	if (result.status !== 0) {
		console.error(`perftop setup: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status ?? 1);
	}
}

// What an install depends on: the lockfile and the manifest's dependency fields and install-time scripts.
// Editing anything else in package.json (a script, the exports) must not make the next run reinstall.
const INSTALL_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bundleDependencies', 'overrides', 'workspaces', 'allowScripts'];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'];
const lock = readFileSync(join(root, 'package-lock.json'));
const manifestText = readFileSync(join(root, 'package.json'));
const manifest = JSON.parse(manifestText);
const installInputs = {
	...Object.fromEntries(INSTALL_FIELDS.map(field => [field, manifest[field] ?? null])),
	scripts: Object.fromEntries(INSTALL_SCRIPTS.map(name => [name, manifest.scripts?.[name] ?? null])),
};
const lockHash = createHash('sha256').update(lock).update(JSON.stringify(installInputs)).digest('hex');
const stamp = join(root, 'node_modules', '.perftop-lock-hash');
const stamped = existsSync(stamp) ? readFileSync(stamp, 'utf8') : null;
// A stamp from before INSTALL_FIELDS (a hash of the whole package.json) that still matches says the same.
const legacyHash = createHash('sha256').update(lock).update(manifestText).digest('hex');
if (stamped === legacyHash) writeFileSync(stamp, lockHash);
else if (stamped !== lockHash) {
	console.error('perftop setup: installing dependencies from the lockfile (npm ci)...');
	run('npm', ['ci', '--no-audit', '--no-fund']);
	writeFileSync(stamp, lockHash);
}

function newest(dir) {
	let latest = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
	}
	return latest;
}

/**
 * Removes what an earlier build left in dist/ for sources that are gone (a renamed or deleted module), so a
 * checkout never packs or runs a stale file. Built files are `x.js` and `x.d.ts` for `x.ts` / `x.tsx`; the build
 * writes no source maps, so any `.map` is an earlier build's.
 */
function dropStale(built, sources) {
	for (const entry of readdirSync(built, {withFileTypes: true})) {
		const path = join(built, entry.name);
		if (entry.isDirectory()) {
			dropStale(path, join(sources, entry.name));
			if (readdirSync(path).length === 0) rmSync(path, {recursive: true});
			continue;
		}
		if (entry.name.endsWith('.map')) {
			rmSync(path);
			continue;
		}
		const stem = /^(.*?)(\.d\.ts|\.js)$/.exec(entry.name)?.[1];
		if (stem === undefined) continue;
		if (!existsSync(join(sources, `${stem}.ts`)) && !existsSync(join(sources, `${stem}.tsx`))) rmSync(path);
	}
}

if (wantBuild) {
	const buildStamp = join(root, 'dist', '.build-stamp');
	const sourceTime = Math.max(newest(join(root, 'source')), statSync(join(root, 'tsconfig.json')).mtimeMs, statSync(join(root, 'tsconfig.build.json')).mtimeMs);
	if (!existsSync(buildStamp) || statSync(buildStamp).mtimeMs < sourceTime) {
		console.error('perftop setup: building dist/ ...');
		run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
		dropStale(join(root, 'dist'), join(root, 'source'));
		writeFileSync(buildStamp, new Date().toISOString());
	}
}
