/**
 * Process shutdown for the host library: cleanups (flush the perf log, remove the socket) run on SIGINT,
 * SIGTERM, SIGHUP and normal exit. When the host has no handler of its own for a signal, the process then
 * exits with the conventional code (128 + signal number), as it would have without perftop. When the host
 * does handle SIGINT or SIGTERM, perftop runs its cleanups and leaves the exit to the host. A host that
 * handles SIGHUP itself often keeps running (a configuration reload), so perftop leaves that signal alone;
 * if the host then exits, the exit-time cleanups still remove the socket and flush the log.
 */
import {constants} from 'node:os';

/** A cleanup registered with {@link onShutdown}: async work for a signal, sync work for process exit. */
export interface ShutdownTask {
	/** Runs on SIGINT/SIGTERM/SIGHUP before exit; awaited up to {@link SHUTDOWN_TIMEOUT_MS}. */
	async?: () => Promise<void> | void;
	/** Runs synchronously on process 'exit' (the last chance: no async work possible there). */
	sync?: () => void;
}

const tasks = new Set<ShutdownTask>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;
let shuttingDown = false;
/** Upper bound for async cleanups on a signal, ms. */
export const SHUTDOWN_TIMEOUT_MS = 2000;

function runSync(): void {
	for (const task of tasks) {
		try {
			task.sync?.();
		} catch {
			// Exiting anyway; nothing to report to.
		}
	}
}

async function onSignal(signal: (typeof SIGNALS)[number]): Promise<void> {
	const hostHandles = process.listenerCount(signal) > 1;
	if (shuttingDown || (hostHandles && signal === 'SIGHUP')) return;
	shuttingDown = true;
	const pending = [...tasks].map(async task => {
		try {
			await task.async?.();
		} catch {
			// Best effort: a failing cleanup must not keep the process alive.
		}
	});
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([Promise.all(pending), new Promise(resolve => (timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS)))]);
	clearTimeout(timer);
	if (!hostHandles) {
		runSync();
		process.exit(128 + (constants.signals[signal] ?? 15));
	}
	shuttingDown = false;
}

function install(): void {
	if (installed) return;
	installed = true;
	for (const signal of SIGNALS) process.on(signal, () => void onSignal(signal));
	process.on('exit', runSync);
}

/** Registers a cleanup; returns its removal. Listeners are installed on first use. */
export function onShutdown(task: ShutdownTask): () => void {
	install();
	tasks.add(task);
	return () => {
		tasks.delete(task);
	};
}
