import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Key} from 'ink';
import {interpretKey} from '../../../source/tui/state/keys.js';
import {initialState, reducer, type AppState} from '../../../source/tui/state/reducer.js';
import {hello, snapshot} from '../fakes.js';

const none: Key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};
const key = (flags: Partial<Key> = {}): Key => ({...none, ...flags});
const options = {readonly: false, rows: 10};

function loaded(): AppState {
	const connected = reducer(initialState(), {type: 'status', status: {state: 'connected', hello: hello()}, now: 1});
	return reducer(connected, {type: 'snapshot', snapshot: snapshot(), now: 1});
}

describe('interpretKey', () => {
	test('c asks before clearing: all caches from the plugin table, the selected one from the caches panel', () => {
		const state = loaded();
		const ask = interpretKey(state, 'c', key(), options);
		assert.deepEqual(ask.action, {type: 'confirm-open', confirm: {kind: 'clear-cache', cache: null}});
		assert.equal(ask.effect, undefined);
		const asking = reducer(state, ask.action!);
		assert.deepEqual(interpretKey(asking, 'y', key(), options).effect, {kind: 'clear-cache', cache: null});
		assert.deepEqual(interpretKey(asking, 'n', key(), options), {action: {type: 'confirm-close'}});
		assert.deepEqual(interpretKey(asking, 'x', key(), options), {});

		const inCaches = reducer(state, {type: 'command', command: 'focus', rows: 10});
		const askOne = reducer(inCaches, interpretKey(inCaches, 'c', key(), options).action!);
		assert.deepEqual(interpretKey(askOne, 's', key(), options).effect, {kind: 'clear-cache', cache: 'users'});
		assert.deepEqual(interpretKey(askOne, 'a', key(), options).effect, {kind: 'clear-cache', cache: null});
		assert.deepEqual(interpretKey(askOne, '', key({escape: true}), options).action, {type: 'confirm-close'});
	});

	test('r asks before resetting metrics', () => {
		const state = loaded();
		const asking = reducer(state, interpretKey(state, 'r', key(), options).action!);
		assert.deepEqual(asking.confirm, {kind: 'reset-metrics'});
		assert.deepEqual(interpretKey(asking, 'y', key(), options).effect, {kind: 'reset-metrics'});
		assert.equal(interpretKey(asking, 'a', key(), options).effect, undefined);
	});

	test('--readonly removes c and r', () => {
		const state = loaded();
		assert.deepEqual(interpretKey(state, 'c', key(), {readonly: true, rows: 10}), {});
		assert.deepEqual(interpretKey(state, 'r', key(), {readonly: true, rows: 10}), {});
	});

	test('c says so when the host has no caches', () => {
		const state = reducer(loaded(), {type: 'snapshot', snapshot: snapshot({caches: null}), now: 2});
		assert.match(JSON.stringify(interpretKey(state, 'c', key(), options).action), /no caches/);
	});

	test('e, c and r while not connected say why instead of doing nothing', () => {
		const down = reducer(loaded(), {type: 'status', status: {state: 'disconnected', error: 'ECONNREFUSED', retryInMs: 4000}, now: 1000});
		for (const [input, what] of [['e', 'export'], ['c', 'clear caches'], ['r', 'reset metrics']] as const) {
			const outcome = interpretKey({...down, now: 2000}, input, key(), options);
			assert.equal(outcome.effect, undefined, 'nothing is sent');
			assert.deepEqual(outcome.action, {type: 'notice', notice: {level: 'error', text: `cannot ${what}: disconnected from the host, retrying in 3s`}});
		}
		const connecting = reducer(initialState(), {type: 'snapshot', snapshot: snapshot(), now: 1});
		assert.match(JSON.stringify(interpretKey(connecting, 'e', key(), options).action), /cannot export: still connecting to the host/);
	});

	test('q and Ctrl-C quit; e exports; keys are ignored while a command runs', () => {
		const state = loaded();
		assert.deepEqual(interpretKey(state, 'q', key(), options).effect, {kind: 'quit'});
		assert.deepEqual(interpretKey(state, 'c', key({ctrl: true}), options).effect, {kind: 'quit'});
		assert.deepEqual(interpretKey(state, 'e', key(), options).effect, {kind: 'export'});
		const busy = reducer(state, {type: 'busy', text: 'exporting'});
		assert.deepEqual(interpretKey(busy, 'e', key(), options), {});
	});

	test('in a prompt, letters are text (q does not quit) and Enter/Esc/Backspace edit', () => {
		const state = reducer(loaded(), {type: 'command', command: 'search', rows: 10});
		assert.deepEqual(interpretKey(state, 'q', key(), options), {action: {type: 'prompt-text', text: 'q'}});
		assert.deepEqual(interpretKey(state, '', key({return: true}), options), {action: {type: 'prompt-commit'}});
		assert.deepEqual(interpretKey(state, '', key({escape: true}), options), {action: {type: 'prompt-cancel'}});
		assert.deepEqual(interpretKey(state, '', key({backspace: true}), options), {action: {type: 'prompt-backspace'}});
		assert.deepEqual(interpretKey(state, 'c', key({ctrl: true}), options).effect, {kind: 'quit'});
	});

	test('navigation keys carry the number of rows on screen for paging', () => {
		const state = loaded();
		assert.deepEqual(interpretKey(state, '', key({pageDown: true}), {readonly: false, rows: 17}).action, {type: 'command', command: 'page-down', rows: 17});
	});

	test('an incompatible host leaves only quitting', () => {
		const state = reducer(loaded(), {type: 'status', status: {state: 'incompatible', message: 'v2'}, now: 2});
		assert.deepEqual(interpretKey(state, 'e', key(), options), {});
		assert.deepEqual(interpretKey(state, 'q', key(), options).effect, {kind: 'quit'});
	});
});
