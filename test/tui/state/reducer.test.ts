import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {Command} from '../../../source/tui/keymap.js';
import {hookTrend} from '../../../source/tui/state/history.js';
import {effectiveSelection, initialState, reducer, visibleNames, type Action, type AppState} from '../../../source/tui/state/reducer.js';
import {cache, manyPlugins, plugin, snapshot} from '../fakes.js';

function run(state: AppState, ...actions: Action[]): AppState {
	return actions.reduce(reducer, state);
}
const command = (name: Command, rows = 5): Action => ({type: 'command', command: name, rows});
const snap = (s = snapshot(), now = 1): Action => ({type: 'snapshot', snapshot: s, now});

describe('sorting', () => {
	test('sorts by time share, largest first, by default', () => {
		const state = run(initialState(), snap());
		assert.deepEqual(visibleNames(state), ['db', 'auth', 'search']);
	});

	test('> and < walk the columns and each column starts in its natural direction', () => {
		let state = run(initialState(), snap());
		state = run(state, command('sort-prev'));
		assert.equal(state.sort.column, 'errorPct');
		assert.equal(state.sort.descending, true);
		assert.deepEqual(visibleNames(state).slice(0, 1), ['db']);
		for (let i = 0; i < 20; i++) state = reducer(state, command('sort-prev'));
		assert.equal(state.sort.column, 'name');
		assert.equal(state.sort.descending, false);
		assert.deepEqual(visibleNames(state), ['auth', 'db', 'search']);
		state = run(state, command('sort-next'), command('sort-next'), command('sort-next'), command('sort-next'));
		assert.equal(state.sort.column, 'calls');
		assert.deepEqual(visibleNames(state), ['auth', 'db', 'search']);
	});

	test('I inverts the order', () => {
		const state = run(initialState(), snap(), command('sort-invert'));
		assert.deepEqual(visibleNames(state), ['search', 'auth', 'db']);
	});

	test('plugins without a value sort last in both directions', () => {
		const plugins = [plugin('a', {loadMs: 5}), {...plugin('b'), loadMs: null}, plugin('c', {loadMs: 9})];
		const state = run(initialState(), snap(snapshot({plugins})));
		let sorted = run(state, ...Array(14).fill(command('sort-prev')), command('sort-next'), command('sort-next'));
		assert.equal(sorted.sort.column, 'loadMs');
		assert.deepEqual(visibleNames(sorted), ['c', 'a', 'b']);
		sorted = reducer(sorted, command('sort-invert'));
		assert.deepEqual(visibleNames(sorted), ['a', 'c', 'b']);
	});
});

describe('selection', () => {
	test('selects the first row on the first snapshot and follows the plugin when the order changes', () => {
		let state = run(initialState(), snap());
		assert.equal(state.selected, 'db');
		state = run(state, command('down'));
		assert.equal(state.selected, 'auth');
		// auth becomes the largest share: it moves to the top, the selection stays on it.
		const next = snapshot({plugins: [plugin('auth', {share: 0.7}), plugin('db', {share: 0.2}), plugin('search', {share: 0.1})]}, 2);
		state = run(state, snap(next, 2));
		assert.deepEqual(visibleNames(state), ['auth', 'db', 'search']);
		assert.equal(effectiveSelection(state), 'auth');
	});

	test('when the selected plugin disappears, the selection stays at the same position', () => {
		let state = run(initialState(), snap(), command('down'));
		assert.equal(state.selected, 'auth');
		state = run(state, snap(snapshot({plugins: [plugin('db', {share: 0.5}), plugin('search', {share: 0.2})]}, 2)));
		assert.equal(state.selected, 'search');
	});

	test('arrows, paging, Home and End move within bounds and scroll the window', () => {
		let state = run(initialState(), snap(snapshot({plugins: manyPlugins(50)})));
		const names = visibleNames(state);
		state = run(state, command('up', 10));
		assert.equal(state.selected, names[0]);
		state = run(state, command('page-down', 10));
		assert.equal(state.selected, names[9]);
		state = run(state, command('end', 10));
		assert.equal(state.selected, names[49]);
		assert.equal(state.top, 40);
		state = run(state, command('down', 10));
		assert.equal(state.selected, names[49]);
		state = run(state, command('page-up', 10));
		assert.equal(state.selected, names[40]);
		assert.equal(state.top, 40);
		state = run(state, command('up', 10));
		assert.equal(state.top, 39);
		state = run(state, command('home', 10));
		assert.equal(state.selected, names[0]);
		assert.equal(state.top, 0);
	});

	test('Tab moves the selection to the caches panel, where arrows pick a cache', () => {
		let state = run(initialState(), snap(), command('focus'));
		assert.equal(state.focus, 'caches');
		assert.equal(state.selectedCache, 'users');
		state = run(state, command('down'));
		assert.equal(state.selectedCache, 'sessions');
		assert.equal(state.selected, 'db');
		state = run(state, command('focus'));
		assert.equal(state.focus, 'plugins');
	});

	test('Tab says so when the host has no caches', () => {
		const state = run(initialState(), snap(snapshot({caches: null})), command('focus'));
		assert.equal(state.focus, 'plugins');
		assert.match(state.notice?.text ?? '', /no caches/);
	});
});

describe('filter and search', () => {
	test('the filter hides plugins whose name does not contain the text, live while typing', () => {
		let state = run(initialState(), snap(), command('filter'), {type: 'prompt-text', text: 'a'});
		assert.deepEqual(visibleNames(state), ['auth', 'search']);
		state = run(state, {type: 'prompt-text', text: 'u'});
		assert.deepEqual(visibleNames(state), ['auth']);
		assert.equal(effectiveSelection(state), 'auth');
		state = run(state, {type: 'prompt-commit'});
		assert.equal(state.prompt, null);
		assert.equal(state.filter, 'au');
		// Esc clears an active filter.
		state = run(state, command('back'));
		assert.equal(state.filter, '');
		assert.deepEqual(visibleNames(state), ['db', 'auth', 'search']);
	});

	test('Esc in the filter prompt clears the filter; Backspace removes a character', () => {
		let state = run(initialState(), snap(), command('filter'), {type: 'prompt-text', text: 'sx'}, {type: 'prompt-backspace'});
		assert.equal(state.filter, 's');
		state = run(state, {type: 'prompt-cancel'});
		assert.equal(state.filter, '');
		assert.equal(state.prompt, null);
	});

	test('search moves the selection to the next match without hiding rows', () => {
		let state = run(initialState(), snap(), command('search'), {type: 'prompt-text', text: 'sea'});
		assert.equal(state.selected, 'search');
		assert.equal(visibleNames(state).length, 3);
		state = run(state, {type: 'prompt-commit'});
		assert.equal(state.notice, null);
		state = run(state, command('search'), {type: 'prompt-text', text: 'zzz'}, {type: 'prompt-commit'});
		assert.equal(state.selected, 'search');
		assert.match(state.notice?.text ?? '', /no plugin matches "zzz"/);
	});
});

describe('pause', () => {
	test('freezes the display; the newest snapshot shows on resume', () => {
		let state = run(initialState(), snap(snapshot({}, 1), 1), command('pause'));
		assert.equal(state.paused, true);
		state = run(state, snap(snapshot({}, 2), 2), snap(snapshot({}, 3), 3));
		assert.equal(state.snapshot?.seq, 1);
		assert.equal(state.history.cpu.values.length, 1);
		state = run(state, command('pause'));
		assert.equal(state.paused, false);
		assert.equal(state.snapshot?.seq, 3);
		assert.equal(state.history.cpu.values.length, 2);
	});
});

describe('history rings', () => {
	test('keep one point per snapshot, bounded, per plugin and per hook; gone plugins are dropped', () => {
		let state = initialState();
		for (let seq = 1; seq <= 130; seq++) {
			const s = snapshot({plugins: [plugin('db', {calls: seq * 60})]}, seq);
			state = reducer(state, snap(s, seq));
		}
		assert.equal(state.history.cpu.values.length, 120);
		assert.equal(state.history.plugins['db']?.rate.values.length, 120);
		assert.equal(state.history.plugins['db']?.rate.values.at(-1), 130);
		assert.equal(state.history.plugins['db']?.rate.values[0], 11);
		assert.ok(hookTrend(state.history, 'db', 'handle'));
		state = reducer(state, snap(snapshot({plugins: [plugin('auth')]}, 131), 131));
		assert.equal(state.history.plugins['db'], undefined);
		assert.equal(state.history.plugins['auth']?.rate.values.length, 1);
	});

	test('records not-measured sections as gaps, not zeros', () => {
		const state = run(initialState(), snap(snapshot({process: null, system: null})));
		assert.ok(Number.isNaN(state.history.rss.values[0]));
		assert.ok(Number.isNaN(state.history.cpu.values[0]));
	});
});

describe('views', () => {
	test('Enter opens the selected plugin, Esc goes back, ? toggles help and returns where it came from', () => {
		let state = run(initialState(), snap(), command('down'), command('open'));
		assert.equal(state.view, 'detail');
		assert.equal(state.detail, 'auth');
		state = run(state, command('help'));
		assert.equal(state.view, 'help');
		state = run(state, command('back'));
		assert.equal(state.view, 'detail');
		state = run(state, command('back'));
		assert.equal(state.view, 'main');
	});

	test('the detail view closes with a notice when its plugin disappears', () => {
		let state = run(initialState(), snap(), command('open'));
		state = run(state, snap(snapshot({plugins: [plugin('auth')]}, 2)));
		assert.equal(state.view, 'main');
		assert.match(state.notice?.text ?? '', /db is no longer reported/);
	});

	test('host events about resets and cleared caches become notices', () => {
		let state = run(initialState(), snap(), {type: 'event', event: {kind: 'metrics.reset', at: 5}, now: 5});
		assert.match(state.notice?.text ?? '', /reset/);
		state = run(state, {type: 'event', event: {kind: 'cache.clear', at: 6, cleared: [{name: 'users', entries: 7}]}, now: 6});
		assert.match(state.notice?.text ?? '', /users \(7 entries\)/);
	});

	test('the cache selection follows caches by name', () => {
		let state = run(initialState(), snap(), command('focus'), command('down'));
		assert.equal(state.selectedCache, 'sessions');
		state = run(state, snap(snapshot({caches: [cache('a'), cache('sessions')]}, 2)));
		assert.equal(state.selectedCache, 'sessions');
	});
});
