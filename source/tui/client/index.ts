/** The TUI's connection to a host (no React here). */
export {PerftopClient, type ClientOptions, type ClientStatus} from './client.js';
export {ConnectError, connectOnce} from './connect.js';
export {probeHost, type ProbeResult} from './probe.js';
