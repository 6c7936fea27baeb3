#!/usr/bin/env node
// `npm run perftop -- <args>` and `npm run demo -- <args>`: makes the checkout runnable (scripts/ensure.mjs
// --build), then runs the CLI in this same process. One process under npm, not a shell with node under it:
// the signals npm forwards (SIGINT, SIGTERM) reach the CLI itself, and when npm dies the CLI sees its parent
// change. A shell in between would die and leave the CLI (and the host a demo started) running.
import {spawnSync} from 'node:child_process';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync(process.execPath, [join(root, 'scripts', 'ensure.mjs'), '--build'], {cwd: root, stdio: ['ignore', 'inherit', 'inherit']});
if (setup.status !== 0) process.exit(setup.status ?? 1);
// The CLI reads its arguments from process.argv.slice(2), which are this script's arguments.
await import(pathToFileURL(join(root, 'dist', 'cli.js')).href);
