/** Socket server: the public part. */
export {type IpcServer, type ServerOptions} from './server.js';
