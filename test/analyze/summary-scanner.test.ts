import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {readPerfLogRecord, type PerfLogLine} from '../../source/protocol/perf-log.js';
import {SummaryScanner} from '../../source/analyze/summary-scanner.js';
import {seededRandom as random} from '../helpers/random.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'logs');
const scanner = new SummaryScanner();

/** The fast path's reading of a line as a plain record, or null when it leaves the line to the general path. */
function fast(line: string | Buffer): PerfLogLine | null {
	const bytes = typeof line === 'string' ? Buffer.from(line) : line;
	const scanned = scanner.scan(bytes, 0, bytes.length);
	if (scanned === null) return null;
	const {pairs, pairCount, ...record} = scanned;
	return {...record, h: Array.from(pairs.subarray(0, pairCount))};
}

/** The general path: decode, JSON.parse, validate. */
function general(line: string | Buffer): PerfLogLine | string {
	const text = typeof line === 'string' ? line : line.toString('utf8');
	try {
		return readPerfLogRecord(JSON.parse(text));
	} catch {
		return 'json';
	}
}

/** A summary line the way the host writes it (pino's fields first, then the record's, `h` last). */
function hostLine(fields: Record<string, unknown> = {}): string {
	return JSON.stringify({
		level: 30,
		time: 1735732810000,
		pid: 4242,
		hostname: 'box',
		perftop: 1,
		ev: 'summary',
		op: 'render',
		plugin: 'ui',
		kind: 'hook',
		from: 1735732800000,
		count: 20,
		errors: 1,
		slow: 0,
		totalMs: 20.000000000000004,
		minMs: 0.00001,
		maxMs: 0.04,
		p50Ms: 0.02,
		p95Ms: 0.0400390625,
		p99Ms: null,
		h: [10, 6, 20, 4, 1311, 10],
		...fields,
	});
}

const summaryLines = (): string[] => [
	hostLine(),
	hostLine({plugin: null, kind: 'operation', op: 'db.query'}),
	hostLine({plugin: 'plugin-ü', op: '日本語'}),
	hostLine({totalMs: 1e-7, minMs: 5e-324, maxMs: 1.7976931348623157e308, p50Ms: 123456789.12345679, p95Ms: -0}),
	hostLine({time: 2 ** 53 - 1, pid: 0, count: 0.5, errors: 12345678901234567890}),
	hostLine({h: []}),
	...readFileSync(join(fixtures, 'perf.1.log'), 'utf8')
		.split('\n')
		.filter(line => line.includes('"ev":"summary"') && line.endsWith('}')),
];

test('summaries as the host writes them take the fast path and read exactly like JSON.parse', () => {
	for (const line of summaryLines()) {
		const record = fast(line);
		assert.ok(record, `fast path taken for ${line}`);
		assert.deepEqual(record, general(line), line);
	}
});

test('a line the fast path does not take is left to the general path, which still reads the valid ones', () => {
	// [line, why, whether the general path reads a summary from it]
	const cases: Array<[string, string, boolean]> = [
		[hostLine({ev: 'call.slow'}), 'another event', false],
		[hostLine({perftop: 2}), 'a later schema version', false],
		[hostLine({perftop: undefined}), 'no schema field: a foreign line', false],
		[hostLine({h: [10, 0]}), 'a zero count', false],
		[hostLine({h: [10, 1, 20]}), 'an odd histogram', false],
		[hostLine({h: [1.5, 1]}), 'a fractional bucket', false],
		[hostLine({h: [10, 1.5]}), 'a fractional count', true],
		[hostLine({h: [99999, 1]}), 'a bucket past the scheme', false],
		[hostLine({minMs: '1'}), 'a string where a number is required', false],
		[hostLine({plugin: 7}), 'a plugin that is not a string', false],
		[hostLine({op: 'a"b'}), 'an escaped quote', true],
		[hostLine({hostname: 'tab\there'}), 'an escape in a field the report does not use', true],
		[hostLine({extra: {nested: true}}), 'a nested object', true],
		[hostLine({extra: [1, 2]}), 'an array besides h', true],
		[hostLine().replace('"count":20', '"count": 20'), 'whitespace', true],
		[hostLine() + ' ', 'trailing whitespace', true],
		[hostLine() + '\r', 'a carriage return (CRLF file)', true],
		[hostLine().replace('"count":20', '"count":020'), 'a leading zero (not JSON)', false],
		[hostLine().replace('"h":[10,6', '"h":[010,6'), 'a leading zero in the histogram (not JSON)', false],
		[hostLine().replace('"count":20', '"count":2.'), 'a bare decimal point (not JSON)', false],
		[hostLine().replace('"count":20', '"count":1e999'), 'an infinite count', false],
		[hostLine().slice(0, -1), 'a line cut short', false],
		[hostLine().replace('"op":"render"', '"op":"render\u0001"'), 'a control character in a string (not JSON)', false],
	];
	for (const [line, why, reads] of cases) {
		assert.equal(fast(line), null, why);
		const expected = general(line);
		assert.equal(typeof expected !== 'string' && expected.ev === 'summary', reads, `${why}: ${JSON.stringify(expected)}`);
	}
});

test('duplicate keys: the last one wins, as in JSON.parse', () => {
	const line = hostLine().replace('"op":"render"', '"op":"first","op":"render"').replace('"h":[10,6,20,4,1311,10]', '"h":[1,1],"h":[10,6,20,4,1311,10]');
	const record = fast(line);
	assert.deepEqual(record, general(line));
	assert.ok(record?.ev === 'summary');
	assert.equal(record.op, 'render');
	assert.deepEqual(record.h, [10, 6, 20, 4, 1311, 10]);
	const overwritten = hostLine().replace('"op":"render"', '"op":"render","op":5');
	assert.equal(fast(overwritten), null);
	assert.equal(general(overwritten), 'fields');
});

test('invalid UTF-8 in a name decodes as the whole line would', () => {
	const line = Buffer.concat([Buffer.from(hostLine({plugin: 'PLUGIN'}).split('PLUGIN')[0]!), Buffer.from([0x70, 0xe2, 0x82, 0xff, 0xc3]), Buffer.from(hostLine({plugin: 'PLUGIN'}).split('PLUGIN')[1]!)]);
	const record = fast(line);
	assert.ok(record);
	assert.deepEqual(record, general(line));
});

test('mutated lines: whenever the fast path reads one, it reads what JSON.parse and validation read', () => {
	const rand = random(42);
	const alphabet = '{}[]",:0123456789.eE+- \\nulltrufalse\u0000\u00e9xh';
	const bases = summaryLines().map(line => Buffer.from(line));
	let accepted = 0;
	let mutated = 0;
	for (let round = 0; round < 20_000; round++) {
		const base = bases[round % bases.length]!;
		let bytes = Buffer.from(base);
		for (let edits = 1 + Math.floor(rand() * 3); edits > 0; edits--) {
			const at = Math.floor(rand() * bytes.length);
			const insert = Buffer.from(alphabet[Math.floor(rand() * alphabet.length)]!);
			const kind = rand();
			if (kind < 0.4) bytes = Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at + 1)]);
			else if (kind < 0.6) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
			else if (kind < 0.8) bytes = Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]);
			else {
				// Replace a digit by another: mostly keeps the line valid, so the fast path has to compute the value.
				const digits = [...bytes.keys()].filter(index => bytes[index]! >= 0x30 && bytes[index]! <= 0x39);
				const index = digits[Math.floor(rand() * digits.length)];
				if (index !== undefined) bytes[index] = 0x30 + Math.floor(rand() * 10);
			}
		}
		mutated++;
		const record = fast(bytes);
		if (record === null) continue;
		accepted++;
		assert.deepEqual(record, general(bytes), bytes.toString('utf8'));
	}
	assert.ok(accepted > mutated / 10, `the fast path read ${accepted} of ${mutated} mutated lines: enough to compare`);
});
