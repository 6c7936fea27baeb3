/**
 * Runs what a key asks of the host (export, clear caches, reset metrics) and reports the outcome as notices.
 * Lives outside the components: it talks to the connection and writes files.
 */
import {ErrorCode} from '../protocol/errors.js';
import type {ClearCacheResult, CommandName} from '../protocol/messages.js';
import type {MetricsExport} from '../protocol/snapshot.js';
import type {HostConnection} from './host-connection.js';
import type {Action} from './state/reducer.js';
import type {Effect} from './state/keys.js';

/** What running an effect needs. */
export interface EffectContext {
	connection: HostConnection;
	/** Writes an export and returns its path (never overwrites). */
	exportFile(data: MetricsExport): string;
	dispatch(action: Action): void;
	quit(): void;
}

/** A command failure in words an operator can act on. */
export function describeFailure(name: CommandName, error: unknown): string {
	const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as {code: unknown}).code) : null;
	const message = error instanceof Error ? error.message : String(error);
	if (code === ErrorCode.readonly) return `refused: the host is read-only, it does not allow ${name} (${code})`;
	if (code === ErrorCode.disconnected) return `${name} failed: not connected to the host (${code})`;
	if (code === ErrorCode.timeout) return `${name} failed: the host did not answer in time (${code})`;
	if (code === ErrorCode.notFound) return `${name} failed: ${message} (${code})`;
	return `${name} failed: ${message}${code ? ` (${code})` : ''}`;
}

/** Runs one effect; never throws (failures become error notices). */
export async function runEffect(effect: Effect, context: EffectContext): Promise<void> {
	const {connection, dispatch} = context;
	if (effect.kind === 'quit') {
		context.quit();
		return;
	}
	const name: CommandName = effect.kind;
	const busy: Record<typeof effect.kind, string> = {export: 'exporting metrics', 'clear-cache': 'clearing caches', 'reset-metrics': 'resetting metrics'};
	dispatch({type: 'busy', text: busy[effect.kind]});
	try {
		if (effect.kind === 'export') {
			const data = await connection.command<MetricsExport>('export');
			const path = context.exportFile(data);
			dispatch({type: 'notice', notice: {level: 'info', text: `exported to ${path}`}});
		} else if (effect.kind === 'clear-cache') {
			const result = await connection.command<ClearCacheResult>('clear-cache', effect.cache === null ? {} : {name: effect.cache});
			const entries = result.cleared.reduce((sum, cache) => sum + cache.entries, 0);
			const what = effect.cache === null ? `${result.cleared.length} cache${result.cleared.length === 1 ? '' : 's'}` : `cache "${effect.cache}"`;
			dispatch({type: 'notice', notice: {level: 'info', text: `cleared ${what}: ${entries} entries removed`}});
		} else {
			await connection.command('reset-metrics');
			dispatch({type: 'notice', notice: {level: 'info', text: 'metrics reset on the host'}});
		}
	} catch (error) {
		dispatch({type: 'notice', notice: {level: 'error', text: describeFailure(name, error)}});
	} finally {
		dispatch({type: 'busy', text: null});
	}
}
