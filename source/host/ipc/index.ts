/** Socket server: the public part (the monitor serves it via start()/listen()). */
export {type IpcServer, type ServerOptions, type ServerStats, DEFAULT_MAX_PENDING_BYTES, MIN_INTERVAL_MS} from './server.js';
export {defaultSocketDir, defaultSocketPath} from './paths.js';
