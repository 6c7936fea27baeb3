/**
 * A once-a-second clock that only redraws when the screen shows a time that moves on its own: data older than
 * two seconds ("updated 5s ago") or a reconnect countdown. While snapshots arrive on time it dispatches nothing.
 */
import {useEffect, useRef} from 'react';
import type {Action, AppState} from '../state/reducer.js';

/** Whether the screen shows an age or countdown that changes with time alone. */
export function needsTick(state: Pick<AppState, 'connection' | 'receivedAt' | 'paused'>, now: number): boolean {
	if (state.connection.state === 'disconnected') return true;
	if (state.connection.state !== 'connected' || state.receivedAt === null) return false;
	return now - state.receivedAt >= 2000;
}

/** Dispatches `tick` once a second while needsTick() holds. */
export function useStaleTick(state: AppState, dispatch: (action: Action) => void, now: () => number = Date.now): void {
	const latest = useRef(state);
	latest.current = state;
	useEffect(() => {
		const timer = setInterval(() => {
			const time = now();
			if (needsTick(latest.current, time)) dispatch({type: 'tick', now: time});
		}, 1000);
		timer.unref?.();
		return () => clearInterval(timer);
	}, []);
}
