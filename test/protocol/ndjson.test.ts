import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ErrorCode} from '../../source/protocol/errors.js';
import {NdjsonDecoder, encodeLine} from '../../source/protocol/ndjson.js';

const messages = [
	{v: 1, type: 'command', id: 'a-€', name: 'snapshot'},
	{v: 1, type: 'subscribe', intervalMs: 250, note: 'héllo wörld 😀 日本語'},
	{v: 1, type: 'command', id: '😀😀', name: 'export', args: {text: 'line\nbreak'}},
];
const bytes = new TextEncoder().encode(messages.map(encodeLine).join(''));

function decodeAll(chunks: Uint8Array[]): unknown[] {
	const decoder = new NdjsonDecoder();
	const lines: string[] = [];
	for (const chunk of chunks) {
		const result = decoder.push(chunk);
		assert.equal(result.error, null);
		lines.push(...result.lines);
	}
	lines.push(...decoder.end().lines);
	return lines.map(line => JSON.parse(line));
}

test('encodeLine writes one line even when strings hold newlines', () => {
	const line = encodeLine({text: 'a\nb\r\nc'});
	assert.equal(line.indexOf('\n'), line.length - 1);
	assert.deepEqual(JSON.parse(line), {text: 'a\nb\r\nc'});
});

test('several messages in one chunk decode to all of them', () => {
	assert.deepEqual(decodeAll([bytes]), messages);
});

test('every split point of a multi-message buffer (two chunks) decodes to the same messages', () => {
	for (let split = 0; split <= bytes.length; split++) {
		assert.deepEqual(decodeAll([bytes.subarray(0, split), bytes.subarray(split)]), messages, `split at byte ${split}`);
	}
});

test('every pair of split points (three chunks) decodes to the same messages, multi-byte characters included', () => {
	for (let first = 0; first <= bytes.length; first += 3) {
		for (let second = first; second <= bytes.length; second++) {
			const chunks = [bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)];
			assert.deepEqual(decodeAll(chunks), messages, `splits at ${first} and ${second}`);
		}
	}
});

test('one byte at a time decodes to the same messages', () => {
	assert.deepEqual(decodeAll(Array.from(bytes, byte => Uint8Array.of(byte))), messages);
});

test('a decoder does not depend on the caller keeping its buffer intact', () => {
	const decoder = new NdjsonDecoder();
	const chunk = Buffer.from('{"a":"xyz');
	decoder.push(chunk);
	chunk.fill(0x20);
	assert.deepEqual(decoder.push('"}\n').lines, ['{"a":"xyz"}']);
});

test('a final line without its newline is returned by end()', () => {
	const decoder = new NdjsonDecoder();
	assert.deepEqual(decoder.push('{"v":1}\n{"v":2}').lines, ['{"v":1}']);
	assert.deepEqual(decoder.end().lines, ['{"v":2}']);
	assert.deepEqual(decoder.end().lines, []);
});

test('a line of exactly the maximum length is accepted', () => {
	const decoder = new NdjsonDecoder({maxLineBytes: 10});
	const result = decoder.push('0123456789\n');
	assert.deepEqual(result, {lines: ['0123456789'], error: null});
});

test('an over-long line is an E_LINE_TOO_LONG error, detected before its newline, and lines before it are kept', () => {
	const decoder = new NdjsonDecoder({maxLineBytes: 10});
	const first = decoder.push('ok\n01234');
	assert.deepEqual(first.lines, ['ok']);
	const second = decoder.push('567890');
	assert.equal(second.error?.code, ErrorCode.lineTooLong);
	assert.match(second.error!.message, /longer than 10 bytes/);
	assert.equal(decoder.bufferedBytes, 0);
	assert.deepEqual(decoder.push('{"more":1}\n').lines, [], 'a failed decoder accepts nothing more');
	assert.equal(decoder.error?.code, ErrorCode.lineTooLong);
});

test('the limit counts bytes, not characters', () => {
	const decoder = new NdjsonDecoder({maxLineBytes: 8});
	assert.equal(decoder.push('😀😀😀').error?.code, ErrorCode.lineTooLong, '12 bytes in 3 characters');
});

test('memory stays bounded while a huge line streams in', () => {
	const decoder = new NdjsonDecoder({maxLineBytes: 1024});
	const chunk = new Uint8Array(4096).fill(0x61);
	let peak = 0;
	for (let i = 0; i < 100; i++) {
		decoder.push(chunk);
		peak = Math.max(peak, decoder.bufferedBytes);
	}
	assert.ok(peak <= 1024);
	assert.equal(decoder.error?.code, ErrorCode.lineTooLong);
});
