/**
 * The one validation step at the edge: a line becomes a typed message or a ProtocolError with a stable code.
 * Hand-written guards; they look only at the fields a receiver relies on and never recurse into payloads,
 * so hostile input (deep nesting, huge arrays) costs no more than JSON.parse itself.
 */
import {ErrorCode, ProtocolError} from './errors.js';
import type {ClientMessage, CommandName, ServerMessage} from './messages.js';
import {PROTOCOL_VERSION} from './version.js';

/** Every command name this protocol version knows. */
export const COMMAND_NAMES: readonly CommandName[] = ['snapshot', 'export', 'clear-cache', 'reset-metrics', 'heap-snapshot'];

/** Longest accepted command id. */
export const MAX_ID_LENGTH = 128;

/** A message that could not be accepted; `id` is the command id when one could be read, so it can be answered. */
export class MessageError extends ProtocolError {
	readonly id: string | undefined;

	constructor(code: ProtocolError['code'], message: string, id?: string) {
		super(code, message);
		this.name = 'MessageError';
		this.id = id;
	}
}

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that returns the value or a MessageError(E_PARSE), never throws. */
function parseJson(line: string): unknown {
	try {
		return JSON.parse(line);
	} catch (error) {
		return new MessageError(ErrorCode.parse, `not valid JSON (${error instanceof RangeError ? 'nested too deeply' : 'syntax error'})`);
	}
}

/** Checks JSON, object shape and version; returns the object's fields or an error. */
function envelope(line: string): Fields | MessageError {
	const value = parseJson(line);
	if (value instanceof MessageError) return value;
	if (!isObject(value)) return new MessageError(ErrorCode.parse, 'a message must be a JSON object');
	const id = typeof value['id'] === 'string' && value['id'].length <= MAX_ID_LENGTH ? value['id'] : undefined;
	if (value['v'] !== PROTOCOL_VERSION) {
		const seen = typeof value['v'] === 'number' ? `v${value['v']}` : 'no version';
		return new MessageError(ErrorCode.version, `protocol version mismatch: got ${seen}, this side speaks v${PROTOCOL_VERSION}`, id);
	}
	if (typeof value['type'] !== 'string') return new MessageError(ErrorCode.badMessage, 'a message needs a string `type`', id);
	return value;
}

/** Parses a line a client sent. Returns the message, or a MessageError (never throws). */
export function parseClientMessage(line: string): ClientMessage | MessageError {
	const fields = envelope(line);
	if (fields instanceof MessageError) return fields;
	return validateClientMessage(fields);
}

/** Validates an already parsed client message (version included). */
export function validateClientMessage(fields: Fields): ClientMessage | MessageError {
	switch (fields['type']) {
		case 'subscribe': {
			const interval = fields['intervalMs'];
			if (interval !== undefined && (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0)) {
				return new MessageError(ErrorCode.badMessage, 'subscribe: intervalMs must be a positive number');
			}
			return interval === undefined ? {v: PROTOCOL_VERSION, type: 'subscribe'} : {v: PROTOCOL_VERSION, type: 'subscribe', intervalMs: interval};
		}
		case 'unsubscribe':
			return {v: PROTOCOL_VERSION, type: 'unsubscribe'};
		case 'command': {
			const id = fields['id'];
			if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
				return new MessageError(ErrorCode.badMessage, `command: id must be a string of 1 to ${MAX_ID_LENGTH} characters`);
			}
			const name = fields['name'];
			if (typeof name !== 'string') return new MessageError(ErrorCode.badMessage, 'command: name must be a string', id);
			if (!(COMMAND_NAMES as readonly string[]).includes(name)) {
				return new MessageError(ErrorCode.unknownCommand, `unknown command '${name.slice(0, 64)}'`, id);
			}
			const args = fields['args'];
			if (args !== undefined && !isObject(args)) return new MessageError(ErrorCode.badMessage, 'command: args must be an object', id);
			const message: ClientMessage = {v: PROTOCOL_VERSION, type: 'command', id, name: name as CommandName};
			if (args !== undefined) message.args = args;
			return message;
		}
		default:
			return new MessageError(ErrorCode.unknownType, `unknown message type '${String(fields['type']).slice(0, 64)}'`, typeof fields['id'] === 'string' ? fields['id'] : undefined);
	}
}

/** Parses a line a host sent. Returns the message, or a MessageError (never throws). */
export function parseServerMessage(line: string): ServerMessage | MessageError {
	const fields = envelope(line);
	if (fields instanceof MessageError) return fields;
	const bad = (what: string) => new MessageError(ErrorCode.badMessage, `${String(fields['type'])}: ${what}`);
	switch (fields['type']) {
		case 'hello': {
			if (typeof fields['protocol'] !== 'number') return bad('protocol must be a number');
			const host = fields['host'];
			if (!isObject(host) || typeof host['name'] !== 'string' || typeof host['pid'] !== 'number') return bad('host must have a name and a pid');
			if (!Array.isArray(fields['capabilities'])) return bad('capabilities must be an array');
			if (typeof fields['readonly'] !== 'boolean') return bad('readonly must be a boolean');
			return fields as unknown as ServerMessage;
		}
		case 'snapshot': {
			const problem = snapshotProblem(fields['snapshot']);
			return problem ? bad(problem) : (fields as unknown as ServerMessage);
		}
		case 'event': {
			const event = fields['event'];
			if (!isObject(event) || typeof event['kind'] !== 'string') return bad('event must have a kind');
			return fields as unknown as ServerMessage;
		}
		case 'result': {
			if (typeof fields['id'] !== 'string') return bad('id must be a string');
			if (typeof fields['ok'] !== 'boolean') return bad('ok must be a boolean');
			if (!fields['ok'] && !errorShape(fields['error'])) return bad('a failed result needs an error with code and message');
			return fields as unknown as ServerMessage;
		}
		case 'error': {
			if (!errorShape(fields)) return bad('code and message must be strings');
			if (fields['id'] !== undefined && typeof fields['id'] !== 'string') return bad('id must be a string');
			return fields as unknown as ServerMessage;
		}
		default:
			return new MessageError(ErrorCode.unknownType, `unknown message type '${String(fields['type']).slice(0, 64)}'`);
	}
}

function errorShape(value: unknown): boolean {
	return isObject(value) && typeof value['code'] === 'string' && typeof value['message'] === 'string';
}

/** What is wrong with a snapshot's top level (the parts every client reads), or null when it is usable. */
export function snapshotProblem(value: unknown): string | null {
	if (!isObject(value)) return 'snapshot must be an object';
	if (typeof value['seq'] !== 'number' || typeof value['at'] !== 'number') return 'snapshot needs numeric seq and at';
	if (!isObject(value['host']) || !isObject(value['monitor'])) return 'snapshot needs host and monitor objects';
	for (const key of ['plugins', 'series', 'alerts']) if (!Array.isArray(value[key])) return `snapshot.${key} must be an array`;
	for (const key of ['process', 'system']) if (value[key] !== null && !isObject(value[key])) return `snapshot.${key} must be an object or null`;
	if (value['caches'] !== null && !Array.isArray(value['caches'])) return 'snapshot.caches must be an array or null';
	return null;
}
