/** Feeds the reducer from the connection: status changes, snapshots and events. */
import {useEffect} from 'react';
import type {HostConnection} from '../host-connection.js';
import type {Action} from '../state/reducer.js';

/** Subscribes to `connection` while mounted and asks for snapshots every `intervalMs` once connected. */
export function useHostFeed(connection: HostConnection, dispatch: (action: Action) => void, intervalMs: number, now: () => number = Date.now): void {
	useEffect(() => {
		const stops = [
			connection.onStatus(status => {
				dispatch({type: 'status', status, now: now()});
				if (status.state === 'connected') connection.subscribe(intervalMs);
			}),
			connection.onSnapshot(snapshot => dispatch({type: 'snapshot', snapshot, now: now()})),
			connection.onEvent(event => dispatch({type: 'event', event, now: now()})),
		];
		dispatch({type: 'status', status: connection.status, now: now()});
		if (connection.status.state === 'connected') connection.subscribe(intervalMs);
		return () => {
			for (const stop of stops) stop();
		};
	}, [connection, intervalMs]);
}
