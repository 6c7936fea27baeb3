/** The TUI's connection to a host (no React here). */
export {PerftopClient, type ClientOptions, type ClientStatus} from './perftop-client.js';
export {ConnectError, connectOnce} from './connect-once.js';
export {probeHost, type ProbeResult} from './probe.js';
