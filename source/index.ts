/**
 * perftop's library entry: the host API and the protocol types. Never imports the TUI, ink, react or meow.
 */
export * from './host/index.js';
export * from './protocol/index.js';
