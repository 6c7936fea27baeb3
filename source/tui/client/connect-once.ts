/**
 * One-shot connections for command-line tools: connect, wait for the greeting, or fail with a clear error.
 */
import {ErrorCode, ProtocolError} from '../../protocol/errors.js';
import {PerftopClient, type ClientOptions} from './perftop-client.js';

/** A failed one-shot connection; `systemCode` is e.g. ENOENT or ECONNREFUSED when the socket refused. */
export class ConnectError extends ProtocolError {
	readonly systemCode: string | undefined;

	constructor(code: ProtocolError['code'], message: string, systemCode?: string) {
		super(code, message);
		this.name = 'ConnectError';
		this.systemCode = systemCode;
	}
}

/**
 * Connects without reconnecting or subscribing; resolves with the connected client, or rejects with a
 * ConnectError: E_VERSION for an incompatible host, E_DISCONNECTED when nothing answers.
 */
export function connectOnce(options: Omit<ClientOptions, 'reconnect'>): Promise<PerftopClient> {
	const client = new PerftopClient({subscribe: false, ...options, reconnect: false});
	return new Promise((resolve, reject) => {
		const stop = client.onStatus(status => {
			if (status.state === 'connected') {
				stop();
				resolve(client);
			} else if (status.state === 'incompatible') {
				stop();
				client.close();
				reject(new ConnectError(ErrorCode.version, status.message));
			} else if (status.state === 'disconnected') {
				stop();
				client.close();
				reject(new ConnectError(ErrorCode.disconnected, status.error, status.code));
			}
		});
		client.connect();
	});
}
