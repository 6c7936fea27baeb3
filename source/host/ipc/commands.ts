/**
 * Running one client command against the monitor and turning the outcome into a result message. A
 * ProtocolError from the monitor (E_NOT_FOUND, E_DISABLED) goes back to the client as is; anything else is
 * an internal failure: reported as a fault, answered with E_INTERNAL.
 */
import {ErrorCode, ProtocolError} from '../../protocol/errors.js';
import {DESTRUCTIVE_COMMANDS, type Capability, type CommandMessage, type ResultMessage} from '../../protocol/messages.js';
import {PROTOCOL_VERSION} from '../../protocol/version.js';
import type {MonitorHandle} from '../monitor/handle.js';

/** The capabilities a host announces, given its read-only state and heap-snapshot setting. */
export function capabilities(monitor: MonitorHandle, readonly: boolean): Capability[] {
	const list: Capability[] = ['snapshot', 'export', 'events'];
	if (!readonly) list.push('clear-cache', 'reset-metrics');
	if (!readonly && monitor.heapSnapshots) list.push('heap-snapshot');
	return list;
}

/** A failed result for command `id`. */
export function failure(id: string, code: ProtocolError['code'], message: string): ResultMessage {
	return {v: PROTOCOL_VERSION, type: 'result', id, ok: false, error: {code, message}};
}

async function execute(monitor: MonitorHandle, command: CommandMessage): Promise<unknown> {
	switch (command.name) {
		case 'snapshot':
			return monitor.snapshot();
		case 'export':
			return monitor.exportData();
		case 'clear-cache': {
			const name = command.args?.['name'];
			if (name !== undefined && typeof name !== 'string') throw new ProtocolError(ErrorCode.badMessage, 'clear-cache: args.name must be a string');
			return monitor.clearCache(name);
		}
		case 'reset-metrics':
			return monitor.resetMetrics();
		case 'heap-snapshot':
			return monitor.heapSnapshot();
		default:
			throw new ProtocolError(ErrorCode.unknownCommand, `unknown command '${String((command as {name: unknown}).name)}'`);
	}
}

/** Runs `command`; never rejects. */
export async function runCommand(monitor: MonitorHandle, command: CommandMessage, readonly: boolean): Promise<ResultMessage> {
	if (readonly && DESTRUCTIVE_COMMANDS.includes(command.name)) {
		return failure(command.id, ErrorCode.readonly, `'${command.name}' is refused: this host is read-only`);
	}
	try {
		const data = await execute(monitor, command);
		return {v: PROTOCOL_VERSION, type: 'result', id: command.id, ok: true, data};
	} catch (error) {
		if (error instanceof ProtocolError) return failure(command.id, error.code, error.message);
		monitor.faults.report(`ipc-command-${command.name}`, error);
		return failure(command.id, ErrorCode.internal, `'${command.name}' failed on the host: ${error instanceof Error ? error.message : String(error)}`);
	}
}
