#!/usr/bin/env node
/**
 * The perftop command line: parses flags (meow) and either starts the live TUI (tui/live.tsx, Ink) or runs a
 * one-shot subcommand. No JSX and no static import of React here: the live view chooses React's build before
 * React loads (tui/react-mode.ts).
 */
import meow from 'meow';
import {perftopCommand, shellWord} from './commands/invocation.js';
import {inspectSocketPath} from './commands/socket-path.js';
import {isSshAddress, parseSshAddress} from './tui/client/ssh-transport.js';

const help = `
  htop for Node.js plugin hosts: per-plugin latency, load cost, errors and cache stats, live.

  Usage
    $ perftop --attach <socket>          live view of the host serving <socket>
    $ perftop attach <socket>            the same
    $ perftop --once --attach <socket>   print one snapshot and exit (add --json for JSON)
    $ perftop --attach ssh://[user@]server[:port]/path/to/host.sock
                                         a host on another machine, through the system ssh and
                                         'perftop bridge' on the server (also with --once, export)
    $ perftop list                       hosts with a socket in the default directory (the demo's too)
    $ perftop export --attach <socket>   write the host's full metrics to a file (or, as
                                         openmetrics/prometheus text, to stdout)
    $ perftop analyze <logs...>          report from performance logs (perftop analyze --help)
    $ perftop demo                       start the example plugin host and watch it (from a checkout)
    $ perftop bridge <socket>            relay stdin/stdout to <socket> (what ssh:// runs on the server)

  Live view options
    --attach, -a <socket>  Socket of the host to watch (a host prints it, or see 'perftop list')
    --readonly             No clearing caches or resetting metrics from this session
    --interval <ms>        Snapshot interval asked of the host (default 1000, least 100)
    --format json|csv      Format of exports written with the e key (default json)
    --export-dir <dir>     Where the e key writes exports (default: the current directory)
    --no-color             Monochrome (also when NO_COLOR is set)

  Keys in the live view (? shows them all)
    ? h      help               / search      \\ filter
    < >      sort column        I invert sort
    Up Down PgUp PgDn Home End  move          Tab  plugins / caches
    Enter    plugin detail      Esc back      Z    pause
    e        export to a file   c clear caches (asks)   r reset metrics (asks)
    q Ctrl-C quit

  Other options
    --once                 With --attach: print one snapshot and exit (works without a terminal)
    --json                 With --once: print the snapshot as JSON
    --out <file>           export: exact file to write      --force  export: overwrite it
    --format <f>           export: json, csv, openmetrics or prometheus (text 0.0.4); the text formats go to
                           stdout unless --out is given; csv (also for the e key) writes <name>.csv (series)
                           and beside it <name>-plugins.csv and <name>-caches.csv
    --dir <dir>            list: socket directory            --clean  list: remove stale sockets (never a live one)
    --headless             demo: the host without the live view, until Ctrl-C, SIGTERM or SIGHUP (the host stops too)
    --socket <path>        demo: socket path (default: in the directory 'perftop list' reads)
    --rate <n>             demo: load, requests/s (default 50)
    --log-dir <dir>        demo: where the host writes its performance log (default: a new temporary
                           directory); the demo names it on exit, for 'perftop analyze <dir>'
    --example <name>       demo: orders (default) or fastify (a Fastify shop instrumented by perftop/fastify)
    --help, -h             this help (perftop analyze --help for analyze's flags)     --version  the version

  Environment (ssh:// addresses)
    PERFTOP_SSH_COMMAND     the local ssh command and its options (default: ssh), e.g. 'ssh -F ~/.ssh/ops'
    PERFTOP_REMOTE_COMMAND  perftop on the server (default: perftop), e.g. /srv/app/node_modules/.bin/perftop

  Exit codes
    0    done (q, or the subcommand succeeded)
    1    the host could not be reached or the command failed
    2    usage error (unknown command, flag or flag value, a flag without its value, live view without a
         terminal)
    129  the terminal hung up (SIGHUP)        143  terminated (SIGTERM)
    analyze has its own (see perftop analyze --help)

  Examples
    $ perftop --attach /run/user/1000/perftop/api.sock
    $ perftop --once --json -a /tmp/pt/api.sock | jq .plugins
    $ perftop --attach ssh://ops@web1/run/user/1000/perftop/api.sock
    $ perftop export -a /tmp/pt/api.sock --format csv --out api.csv
    $ perftop export -a /tmp/pt/api.sock --format prometheus | promtool check metrics
`;

/** The flags perftop knows (meow's definitions). */
const FLAGS = {
	attach: {type: 'string', shortFlag: 'a'},
	readonly: {type: 'boolean', default: false},
	interval: {type: 'number', default: 1000},
	format: {type: 'string', default: 'json'},
	exportDir: {type: 'string'},
	color: {type: 'boolean', default: true},
	once: {type: 'boolean', default: false},
	json: {type: 'boolean', default: false},
	out: {type: 'string'},
	force: {type: 'boolean', default: false},
	dir: {type: 'string'},
	clean: {type: 'boolean', default: false},
	headless: {type: 'boolean', default: false},
	socket: {type: 'string'},
	rate: {type: 'number'},
	example: {type: 'string'},
	logDir: {type: 'string'},
	// analyze
	since: {type: 'string'},
	until: {type: 'string'},
	plugin: {type: 'string'},
	hook: {type: 'string'},
	csv: {type: 'boolean', default: false},
	compare: {type: 'boolean', default: false},
	top: {type: 'number'},
	threshold: {type: 'number'},
	minCalls: {type: 'number'},
	help: {type: 'boolean', shortFlag: 'h', default: false},
} as const;

const cli = meow(help, {
	importMeta: import.meta,
	// Unknown flags are reported by unknownFlags() below, on one line (meow's own report takes two).
	allowUnknownFlags: true,
	autoHelp: false,
	description: false,
	flags: FLAGS,
});

const {flags} = cli;

/** Prints a usage error on one line; resolves the exit code 2. */
function usage(message: string): number {
	process.stderr.write(`perftop: ${message}; run 'perftop --help'\n`);
	return 2;
}

/** The flags on the command line (before `--`) that perftop does not know, as typed: `--bogus`, `-x`. */
function unknownFlags(argv: readonly string[], known: Readonly<Record<string, {readonly type: string; readonly shortFlag?: string}>>): string[] {
	const long = new Set(['version']);
	const short = new Set<string>();
	for (const [name, flag] of Object.entries(known)) {
		long.add(name).add(name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`));
		if (flag.shortFlag !== undefined) short.add(flag.shortFlag);
	}
	const unknown: string[] = [];
	for (const arg of argv) {
		if (arg === '--') break;
		if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) continue;
		const typed = arg.split('=')[0]!;
		if (typed.startsWith('--')) {
			const name = typed.slice(2);
			if (!long.has(name) && !(name.startsWith('no-') && long.has(name.slice(3)))) unknown.push(typed);
		} else if ([...typed.slice(1)].some(letter => !short.has(letter))) unknown.push(typed);
	}
	return unknown;
}

/** String flags given without a value (`--attach` followed by nothing or by another flag). */
function emptyFlags(): string[] {
	return Object.entries(cli.flags)
		.filter(([, value]) => value === '')
		.map(([name]) => `--${name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`);
}

function exportFormat(): 'json' | 'csv' | null {
	return flags.format === 'json' || flags.format === 'csv' ? flags.format : null;
}

/** How long the live view waits for a missing socket to appear before saying there is none, ms. */
const SOCKET_GRACE_MS = 1000;

/** Runs the live view against `socket`; resolves to the exit code. */
async function attach(socket: string): Promise<number> {
	// A path that is not there now was mistyped (or its host is gone for good): say so and stop. A path that
	// goes away later is retried by the live view, as a restarting host removes and recreates it. A host
	// that is just restarting gets a moment to recreate its socket.
	// An ssh:// address: its path is on the server; the connection says what is (not) there.
	let where = isSshAddress(socket) ? ({kind: 'socket'} as const) : inspectSocketPath(socket);
	for (const started = Date.now(); where.kind === 'missing' && Date.now() - started < SOCKET_GRACE_MS; where = inspectSocketPath(socket)) {
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	if (where.kind !== 'socket') {
		process.stderr.write(`perftop: ${where.message}\n`);
		return 1;
	}
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		process.stderr.write(
			`perftop: the live view needs a terminal (stdin and stdout must be a TTY).\n` +
				`For one snapshot without a terminal, use: ${perftopCommand()} --once --attach ${shellWord(socket)} [--json]\n`,
		);
		return 2;
	}
	const format = exportFormat();
	if (format === null) return usage(`--format must be json or csv, not '${flags.format}'`);
	if (!Number.isFinite(flags.interval) || flags.interval < 100) return usage('--interval must be a number of milliseconds, at least 100');
	// Ink, React and the app load only for the live view (the one-shot commands start faster without them), and
	// only after React's build is chosen: nothing above may import React (this file has no JSX for that reason).
	// Also before they load: V8 must not grow the live view's young generation (see tui/young-generation.ts).
	const {limitYoungGeneration} = await import('./tui/young-generation.js');
	limitYoungGeneration();
	const {loadWithProductionReact} = await import('./tui/react-mode.js');
	const {loaded: live} = await loadWithProductionReact(() => import('./commands/attach.js'));
	return live.runLiveView({socket, readonly: flags.readonly, intervalMs: flags.interval, color: flags.color, exportFormat: format, exportDir: flags.exportDir});
}

async function main(): Promise<number> {
	const [command, ...rest] = cli.input;
	const unknown = unknownFlags(process.argv.slice(2), FLAGS);
	if (unknown.length > 0) return usage(`unknown flag${unknown.length > 1 ? 's' : ''} ${unknown.join(' ')}`);
	const empty = emptyFlags();
	if (empty.length > 0) return usage(`${empty.join(', ')} needs a value${empty[0] === '--attach' ? ' (the socket path of a host)' : ''}`);
	const target = command === 'attach' ? (rest[0] ?? flags.attach) : command === 'export' ? (flags.attach ?? rest[0]) : flags.attach;
	if (target !== undefined && isSshAddress(target)) {
		try {
			parseSshAddress(target);
		} catch (error) {
			return usage((error as Error).message);
		}
	}
	if (flags.help) {
		if (command === 'analyze') {
			const {analyzeHelp} = await import('./commands/analyze.js');
			process.stdout.write(analyzeHelp);
			return 0;
		}
		cli.showHelp(0);
	}
	switch (command) {
		case undefined: {
			if (flags.attach === undefined) {
				return usage("which host? Pass --attach <socket> (the host prints its socket path; 'perftop list' shows the hosts on this machine)");
			}
			if (flags.once) {
				const {runOnce} = await import('./commands/once.js');
				// On a terminal the table fits its width; piped or redirected it keeps full names.
				return runOnce({socket: flags.attach, json: flags.json, width: process.stdout.isTTY ? process.stdout.columns : undefined});
			}
			return attach(flags.attach);
		}
		case 'attach': {
			const socket = rest[0] ?? flags.attach;
			return socket === undefined ? usage('attach needs a socket path') : attach(socket);
		}
		case 'bridge': {
			const socket = rest[0];
			if (socket === undefined || rest.length > 1) return usage('bridge takes one socket path');
			const {runBridge} = await import('./commands/bridge.js');
			return runBridge({socket});
		}
		case 'list': {
			const {runList} = await import('./commands/list.js');
			return runList({dir: flags.dir, clean: flags.clean});
		}
		case 'export': {
			const socket = flags.attach ?? rest[0];
			if (socket === undefined) return usage('export needs --attach <socket>');
			const format = flags.format === 'openmetrics' || flags.format === 'prometheus' ? flags.format : exportFormat();
			if (format === null) return usage(`--format must be json, csv, openmetrics or prometheus, not '${flags.format}'`);
			const {runExport} = await import('./commands/export.js');
			return runExport({socket, format, out: flags.out, force: flags.force, dir: flags.exportDir});
		}
		case 'analyze': {
			const {runAnalyze} = await import('./commands/analyze.js');
			return runAnalyze({
				inputs: rest,
				since: flags.since,
				until: flags.until,
				plugin: flags.plugin,
				hook: flags.hook,
				json: flags.json,
				csv: flags.csv,
				compare: flags.compare,
				top: flags.top,
				threshold: flags.threshold,
				minCalls: flags.minCalls,
			});
		}
		case 'demo': {
			// Imported by a computed name: the demo module ships with plugins-example and may be absent.
			const demoModule = './commands/demo.js';
			const {runDemo} = (await import(demoModule)) as {
				runDemo(options: {headless: boolean; socket?: string; rate?: number; example?: string; logDir?: string}, attach: (socketPath: string) => Promise<number>): Promise<number>;
			};
			return runDemo({headless: flags.headless, socket: flags.socket, rate: flags.rate, example: flags.example, logDir: flags.logDir}, attach);
		}
		default:
			return usage(`unknown command '${command}'`);
	}
}

process.exitCode = await main();
