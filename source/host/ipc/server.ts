// STUB (replaced by the IPC work): the Unix-socket server.
import type {MonitorHandle} from '../handle.js';

export interface ServerOptions {
	/** Socket path; default: defaultSocketPath(host name). */
	path?: string;
}

export interface IpcServer {
	readonly path: string;
	readonly clients: number;
	close(): Promise<void>;
}

export async function serve(_monitor: MonitorHandle, _options: ServerOptions = {}): Promise<IpcServer> {
	throw new Error('perftop: socket server not implemented yet');
}
