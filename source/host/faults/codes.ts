/**
 * The catalogue of internal faults: every kind of failure the monitor can count, its stable `PERFTOP_*` code
 * (the code of the process warning, and what a user searches for), and what to do about it. The readme's
 * "Fault codes" table lists the same entries (a test keeps them equal).
 */

/** One entry of the catalogue. */
export interface FaultInfo {
	/** Stable code: the warning's `code`, and the third argument of {@link FaultListener}. */
	readonly code: `PERFTOP_${string}`;
	/** What failed, in a few words. */
	readonly what: string;
	/** What the user should do. */
	readonly action: string;
}

/** Every fault kind and its code (see the file comment). */
export const FAULTS = {
	'alert-callback': {code: 'PERFTOP_ALERT_CALLBACK', what: 'the onAlert callback threw', action: 'Fix the callback passed as onAlert; alerts still reach clients and the log.'},
	'alert-rule': {code: 'PERFTOP_ALERT_RULE', what: 'an alert rule failed while evaluating', action: 'Report it as a bug with the warning text; the other rules keep running.'},
	alerts: {code: 'PERFTOP_ALERTS', what: 'alert evaluation failed as a whole', action: 'Report it as a bug; snapshots are sent without alerts until it recovers.'},
	'cache-clear': {code: 'PERFTOP_CACHE_CLEAR', what: 'clearing a cache failed', action: 'Check the cache\'s dispose callback; the clear command reports which cache failed.'},
	'cache-stats': {code: 'PERFTOP_CACHE_STATS', what: 'reading cache statistics failed', action: 'Report it as a bug; snapshots are sent without caches until it recovers.'},
	'cache-tags': {code: 'PERFTOP_CACHE_TAGS', what: 'a cache entry\'s tags could not be computed', action: 'Fix the cache\'s tags function; the entry is cached without tags.'},
	'cache-tick': {code: 'PERFTOP_CACHE_TICK', what: 'the cache window\'s periodic tick failed', action: 'Report it as a bug; hit ratios over the recent window may be stale.'},
	clock: {code: 'PERFTOP_CLOCK', what: 'the clock passed in the options failed or returned a non-number', action: 'Fix the custom clock option (or drop it to use the default).'},
	'event-listener': {code: 'PERFTOP_EVENT_LISTENER', what: 'a listener of monitor events threw', action: 'Fix the listener added to monitor.events; other listeners still run.'},
	'event-loop-sampler': {code: 'PERFTOP_EVENT_LOOP_SAMPLER', what: 'event-loop delay sampling failed', action: 'Check that perf_hooks.monitorEventLoopDelay works in this runtime; the loop meters stay empty.'},
	'gc-sampler': {code: 'PERFTOP_GC_SAMPLER', what: 'GC observation failed', action: 'Check that PerformanceObserver("gc") works in this runtime; GC figures stay empty.'},
	instrument: {code: 'PERFTOP_INSTRUMENT', what: 'a property could not be wrapped or restored by instrument()', action: 'Check the object passed to instrument() (frozen or exotic properties are left as they are).'},
	'invalid-duration': {code: 'PERFTOP_INVALID_DURATION', what: 'a duration was not a finite number >= 0', action: 'Check values given to record() and custom clocks; the call is counted, its time is not.'},
	'ipc-command': {code: 'PERFTOP_IPC_COMMAND', what: 'a client command failed on the host', action: 'Read the warning for the command and cause; the client got an error reply.'},
	'ipc-connection': {code: 'PERFTOP_IPC_CONNECTION', what: 'a client connection failed', action: 'Usually a client that went away mid-write; nothing to do unless it repeats.'},
	'ipc-server': {code: 'PERFTOP_IPC_SERVER', what: 'the socket server failed', action: 'Check the socket directory\'s permissions and free space; restart the host to serve again.'},
	'ipc-snapshot': {code: 'PERFTOP_IPC_SNAPSHOT', what: 'building or sending a snapshot failed', action: 'Report it as a bug; clients keep their last frame.'},
	'ipc-watchers': {code: 'PERFTOP_IPC_WATCHERS', what: 'switching sampling speed on client attach/detach failed', action: 'Report it as a bug; sampling keeps its current speed.'},
	'perf-log': {code: 'PERFTOP_PERF_LOG', what: 'the performance log could not be opened or written', action: 'Check the log directory (exists, writable, disk not full); the host keeps running without the log.'},
	'perf-log-drop': {code: 'PERFTOP_PERF_LOG_DROP', what: 'log lines were dropped because the disk refused writes', action: 'Free disk space or lower the log volume; the dropped count is in the stop record.'},
	pidusage: {code: 'PERFTOP_PIDUSAGE', what: 'pidusage could not read the process', action: 'Check that /proc is readable; CPU falls back to process.cpuUsage().'},
	'plugin-record': {code: 'PERFTOP_PLUGIN_RECORD', what: 'recording a plugin\'s load failed', action: 'Report it as a bug; the plugin itself loaded normally.'},
	'plugin-wrap': {code: 'PERFTOP_PLUGIN_WRAP', what: 'a plugin hook could not be wrapped for timing', action: 'Report it as a bug; the hook runs untimed.'},
	'process-cpu': {code: 'PERFTOP_PROCESS_CPU', what: 'process CPU could not be read', action: 'Check that /proc is readable; the CPU meter stays empty.'},
	'process-sampler': {code: 'PERFTOP_PROCESS_SAMPLER', what: 'a process sample failed', action: 'Report it as a bug with the warning text; the next sample tries again.'},
	prometheus: {code: 'PERFTOP_PROMETHEUS', what: 'the Prometheus endpoint could not be served at start', action: 'The port may be in use or the options invalid (buckets, maxSeries, port, path): pick another port (or start({strict: true}) to get the error).'},
	'prometheus-scrape': {code: 'PERFTOP_PROMETHEUS_SCRAPE', what: 'rendering or sending a Prometheus scrape failed', action: 'Report it as a bug with the warning text; the scraper got a 500 or a cut response and the next scrape tries again.'},
	record: {code: 'PERFTOP_RECORD', what: 'recording a timed call failed', action: 'Report it as a bug; the host call itself was not affected.'},
	rotate: {code: 'PERFTOP_ROTATE', what: 'rotating the recent window failed', action: 'Report it as a bug; recent rates and percentiles may be stale.'},
	'sample-listener': {code: 'PERFTOP_SAMPLE_LISTENER', what: 'a sample listener threw', action: 'Fix the listener passed to samplers.onSample; others still run.'},
	sampler: {code: 'PERFTOP_SAMPLER', what: 'reading the latest samples for a snapshot failed', action: 'Report it as a bug; snapshots are sent without process/system data.'},
	'series-cap': {code: 'PERFTOP_SERIES_CAP', what: 'the series cap was reached', action: 'Raise seriesCap, or use fewer distinct op names (no ids or arguments in names); new series fold into one overflow series.'},
	socket: {code: 'PERFTOP_SOCKET', what: 'the socket could not be served at start', action: 'Another host may be listening there, or the path is not a socket: pick another path (or start({strict: true}) to get the error).'},
	stop: {code: 'PERFTOP_STOP', what: 'a part failed while stopping', action: 'Read the warning; the other parts still stopped.'},
	'system-sampler': {code: 'PERFTOP_SYSTEM_SAMPLER', what: 'system sampling (CPU, memory, disks) failed', action: 'Check that systeminformation works on this system; system meters stay empty.'},
	'system-worker': {code: 'PERFTOP_SYSTEM_WORKER', what: 'the system sampler\'s worker thread failed', action: 'Check resource limits on threads; system meters stay empty.'},
} as const satisfies Record<string, FaultInfo>;

/** A fault kind: a key of {@link FAULTS}, or `ipc-command-<name>` (one kind per client command, code PERFTOP_IPC_COMMAND). */
export type FaultKind = keyof typeof FAULTS | `ipc-command-${string}`;

/** The catalogue entry of `kind` (commands share the `ipc-command` entry). */
export function faultInfo(kind: FaultKind): FaultInfo {
	return kind in FAULTS ? FAULTS[kind as keyof typeof FAULTS] : FAULTS['ipc-command'];
}
