import assert from 'node:assert/strict';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import {PluginDetail, selfMean} from '../../source/tui/components/PluginDetail.js';
import {emptyHistory} from '../../source/tui/state/history.js';
import {monoTheme} from '../../source/tui/theme.js';
import {hook, plugin} from './fakes.js';

test('the detail view shows busy time and, for async hooks, their synchronous self time per call', () => {
	const asyncHook = {...hook('bundler', 'transform', 200, 40), asyncCount: 200, selfMs: 300};
	const syncHook = hook('bundler', 'resolveId', 500, 0.2);
	const subject = {...plugin('bundler', {calls: 700, hooks: [asyncHook, syncHook]}), busyMs: 4200};
	const {lastFrame, unmount} = render(<PluginDetail plugin={subject} history={emptyHistory()} width={80} rows={4} top={0} theme={monoTheme} />);
	const frame = lastFrame() ?? '';
	unmount();
	assert.match(frame, /busy 4\.20s(?! ms)/);
	assert.match(frame, /SELFms/);
	// 300 ms over 200 async calls: 1.50 ms each; the sync hook has none.
	assert.match(frame, /transform\s.*\s1\.50\s/);
	assert.match(frame, /resolveId\s.*\s-\s/);
	for (const line of frame.split('\n')) assert.ok(line.length <= 80, `fits 80 columns: '${line}'`);
	assert.equal(selfMean(asyncHook), 1.5);
	assert.equal(selfMean(syncHook), null);
});
