import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ErrorCode, ProtocolError} from '../../source/protocol/errors.js';
import {MessageError, parseClientMessage, parseServerMessage} from '../../source/protocol/validate.js';

const invalidClientLines: Array<[string, string, string, string?]> = [
	['not JSON', 'hello', ErrorCode.parse],
	['a JSON array', '[1,2]', ErrorCode.parse],
	['a JSON string', '"subscribe"', ErrorCode.parse],
	['null', 'null', ErrorCode.parse],
	['no version', '{"type":"subscribe"}', ErrorCode.version],
	['another version', '{"v":2,"type":"subscribe"}', ErrorCode.version],
	['version as a string', '{"v":"1","type":"subscribe"}', ErrorCode.version],
	['no type', '{"v":1}', ErrorCode.badMessage],
	['unknown type', '{"v":1,"type":"launch-missiles"}', ErrorCode.unknownType],
	['interval not a number', '{"v":1,"type":"subscribe","intervalMs":"fast"}', ErrorCode.badMessage],
	['negative interval', '{"v":1,"type":"subscribe","intervalMs":-5}', ErrorCode.badMessage],
	['command without id', '{"v":1,"type":"command","name":"snapshot"}', ErrorCode.badMessage],
	['command with an empty id', '{"v":1,"type":"command","id":"","name":"snapshot"}', ErrorCode.badMessage],
	['command with a huge id', `{"v":1,"type":"command","id":"${'x'.repeat(500)}","name":"snapshot"}`, ErrorCode.badMessage],
	['unknown command', '{"v":1,"type":"command","id":"7","name":"rm-rf"}', ErrorCode.unknownCommand, '7'],
	['args not an object', '{"v":1,"type":"command","id":"8","name":"clear-cache","args":[1]}', ErrorCode.badMessage, '8'],
	['wrong version keeps the id', '{"v":9,"type":"command","id":"9","name":"snapshot"}', ErrorCode.version, '9'],
];

for (const [name, line, code, id] of invalidClientLines) {
	test(`client line rejected: ${name} -> ${code}`, () => {
		const result = parseClientMessage(line);
		assert.ok(result instanceof MessageError);
		assert.ok(result instanceof ProtocolError);
		assert.equal(result.code, code);
		assert.equal(result.id, id);
	});
}

test('valid client messages come back typed, without unknown extra fields', () => {
	assert.deepEqual(parseClientMessage('{"v":1,"type":"subscribe","intervalMs":250,"junk":true}'), {v: 1, type: 'subscribe', intervalMs: 250});
	assert.deepEqual(parseClientMessage('{"v":1,"type":"subscribe"}'), {v: 1, type: 'subscribe'});
	assert.deepEqual(parseClientMessage('{"v":1,"type":"unsubscribe"}'), {v: 1, type: 'unsubscribe'});
	assert.deepEqual(parseClientMessage('{"v":1,"type":"command","id":"1","name":"clear-cache","args":{"name":"users"}}'), {
		v: 1,
		type: 'command',
		id: '1',
		name: 'clear-cache',
		args: {name: 'users'},
	});
});

test('deeply nested JSON is rejected or accepted without throwing', () => {
	const depth = 400_000;
	const nested = '['.repeat(depth) + ']'.repeat(depth);
	const result = parseClientMessage(nested);
	assert.ok(result instanceof MessageError);
	assert.equal(result.code, ErrorCode.parse);
	const deepArgs = `{"v":1,"type":"command","id":"d","name":"snapshot","args":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
	const command = parseClientMessage(deepArgs);
	assert.ok(!(command instanceof Error) || command.code === ErrorCode.parse);
});

const snapshot = {seq: 1, at: 2, host: {name: 'h', pid: 1}, monitor: {}, process: null, system: null, plugins: [], series: [], caches: null, alerts: []};

test('valid server messages are accepted', () => {
	const lines = [
		{v: 1, type: 'hello', protocol: 1, host: {name: 'h', pid: 1}, capabilities: ['snapshot'], readonly: false},
		{v: 1, type: 'snapshot', snapshot},
		{v: 1, type: 'event', event: {kind: 'metrics.reset', at: 1}},
		{v: 1, type: 'result', id: 'c1', ok: true, data: {x: 1}},
		{v: 1, type: 'result', id: 'c2', ok: false, error: {code: 'E_NOT_FOUND', message: 'no cache'}},
		{v: 1, type: 'error', code: 'E_PARSE', message: 'bad'},
	];
	for (const line of lines) assert.deepEqual(parseServerMessage(JSON.stringify(line)), line);
});

const invalidServerLines: Array<[string, unknown, string]> = [
	['hello without host', {v: 1, type: 'hello', protocol: 1, capabilities: [], readonly: false}, ErrorCode.badMessage],
	['hello of another version', {v: 2, type: 'hello', protocol: 2, host: {name: 'h', pid: 1}, capabilities: [], readonly: false}, ErrorCode.version],
	['snapshot without plugins', {v: 1, type: 'snapshot', snapshot: {...snapshot, plugins: undefined}}, ErrorCode.badMessage],
	['snapshot with caches as an object', {v: 1, type: 'snapshot', snapshot: {...snapshot, caches: {}}}, ErrorCode.badMessage],
	['event without kind', {v: 1, type: 'event', event: {}}, ErrorCode.badMessage],
	['failed result without error', {v: 1, type: 'result', id: 'c', ok: false}, ErrorCode.badMessage],
	['result without id', {v: 1, type: 'result', ok: true}, ErrorCode.badMessage],
	['unknown type', {v: 1, type: 'gossip'}, ErrorCode.unknownType],
];

for (const [name, message, code] of invalidServerLines) {
	test(`server line rejected: ${name} -> ${code}`, () => {
		const result = parseServerMessage(JSON.stringify(message));
		assert.ok(result instanceof MessageError);
		assert.equal(result.code, code);
	});
}
