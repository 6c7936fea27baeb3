/**
 * Stable error codes shared by host and clients. A code never changes meaning; new codes may be added.
 */
export const ErrorCode = {
	/** A line was not valid JSON or not an object. */
	parse: 'E_PARSE',
	/** A line exceeded MAX_LINE_BYTES. */
	lineTooLong: 'E_LINE_TOO_LONG',
	/** The message's `v` is not a version this side speaks. */
	version: 'E_VERSION',
	/** The message's `type` is unknown. */
	unknownType: 'E_UNKNOWN_TYPE',
	/** The command name is unknown. */
	unknownCommand: 'E_UNKNOWN_COMMAND',
	/** A field is missing or has the wrong type. */
	badMessage: 'E_BAD_MESSAGE',
	/** The host refuses destructive commands (readonly). */
	readonly: 'E_READONLY',
	/** The named thing (cache, plugin) does not exist. */
	notFound: 'E_NOT_FOUND',
	/** The feature is switched off on this host (e.g. heap snapshots). */
	disabled: 'E_DISABLED',
	/** The host failed while running the command. */
	internal: 'E_INTERNAL',
	/** Too many invalid messages: the peer is being disconnected. */
	tooManyInvalid: 'E_TOO_MANY_INVALID',
	/** A command got no result in time (client side). */
	timeout: 'E_TIMEOUT',
	/** The connection closed before the command got its result (client side). */
	disconnected: 'E_DISCONNECTED',
} as const;

/** One of the stable protocol error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error as carried on the wire. */
export interface ProtocolErrorData {
	code: ErrorCode;
	message: string;
}

/** An Error with a stable code, thrown by the client and by parsing helpers. */
export class ProtocolError extends Error {
	readonly code: ErrorCode;

	constructor(code: ErrorCode, message: string) {
		super(message);
		this.name = 'ProtocolError';
		this.code = code;
	}
}
