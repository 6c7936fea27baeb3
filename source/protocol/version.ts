/** The protocol version this build speaks. Bumped on any incompatible change to messages or snapshots. */
export const PROTOCOL_VERSION = 1;

/** Largest accepted NDJSON line, in bytes (1 MiB). Longer lines are rejected and the sender disconnected. */
export const MAX_LINE_BYTES = 1024 * 1024;
