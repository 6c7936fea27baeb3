/**
 * activity-feed: records every request for the "recent activity" panel. Deliberately leaky: it is meant
 * to keep the last 50 entries, but it also files each entry (with a copy of its request context) in an
 * index by request number that is never pruned, so the heap grows with every request.
 */
import {randomBytes} from 'node:crypto';
import type {Plugin} from 'perftop';
import type {ActivityEntry, HookImplementations} from '../app/hooks.js';

const FEED_LENGTH = 50;

interface IndexedEntry extends ActivityEntry {
	/** The retained request context (the leak). */
	context: string;
}

/** The activity-feed plugin (leaky on purpose); a factory, so each load gets its own state. */
export default function activityFeedPlugin(): Plugin {
	const feed: ActivityEntry[] = [];
	// The bug: nothing ever deletes from this index.
	const byRequest = new Map<number, IndexedEntry>();
	let requests = 0;
	let contextBytes = 2048;

	const hooks = {
		onRequest(info) {
			const entry = {at: info.at, method: info.method, path: info.path};
			feed.push(entry);
			if (feed.length > FEED_LENGTH) feed.shift();
			if (contextBytes > 0) byRequest.set(++requests, {...entry, context: randomBytes(contextBytes >> 1).toString('hex')});
		},
		recentActivity(limit) {
			return feed.slice(-limit).reverse();
		},
	} satisfies HookImplementations;

	return {
		name: 'activity-feed',
		version: '1.0.0',
		hooks,
		setup(context) {
			const bytes = context.options['contextBytes'];
			if (typeof bytes === 'number' && bytes >= 0) contextBytes = bytes;
		},
		teardown() {
			byRequest.clear();
			feed.length = 0;
		},
	};
}
