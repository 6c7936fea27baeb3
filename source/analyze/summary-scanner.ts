/**
 * Fast path for the lines a perf log is mostly made of: summaries as the host writes them (one flat
 * JSON object without whitespace or escapes, the histogram as the only array). It reads the line's bytes
 * once, decoding only `op` and `plugin` and parsing the histogram straight into numbers, where JSON.parse
 * would decode the whole line and build an object and an array per line.
 *
 * The contract: when it returns a record, that record is exactly what
 * `readPerfLogRecord(JSON.parse(line))` returns for the same line (the tests check this on mutated
 * lines). Anything else (another event, whitespace, escapes, nested values, an unknown schema version,
 * a field that does not validate) returns null, and the caller takes the general path; so the fast path
 * never decides that a line is invalid, it only skips work on lines that are valid.
 *
 * Numbers: JSON's grammar exactly; values with at most 15 digits and a decimal exponent within ±22 are
 * computed as one exact integer multiplied or divided by an exact power of ten (correctly rounded, the
 * same double JSON.parse gives); longer ones are converted by Number(), as JSON.parse does.
 *
 * The byte scanners stay in this module with their caller: moved to a module of their own, `perftop analyze`
 * read measurably slower (bench row analyze-mbps). Each scanner owns the cursor they leave their position in,
 * so scanners are independent of each other.
 */
import {BUCKET_COUNT} from '../protocol/histogram.js';
import {PERF_LOG_SCHEMA, type PerfLogLineMeta, type PerfLogSummary} from '../protocol/perf-log.js';

/**
 * A summary line as the fast path reads it: the record without `h`, whose entries are pairs[0, pairCount)
 * (the same numbers in the same order).
 */
export type ScannedSummary = PerfLogLineMeta & Omit<PerfLogSummary, 'h'> & {pairs: Float64Array; pairCount: number};

/** Buckets of the histogram scheme. */
const BUCKETS = BUCKET_COUNT;
const POW10: number[] = [];
for (let exponent = 0; exponent <= 22; exponent++) POW10.push(10 ** exponent);

// Byte values.
const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const OPEN_ARRAY = 91;
const BACKSLASH = 92;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

// Keys the summary is read from.
const K_OTHER = 0;
const K_PERFTOP = 1;
const K_TIME = 2;
const K_PID = 3;
const K_EV = 4;
const K_OP = 5;
const K_PLUGIN = 6;
const K_KIND = 7;
const K_FROM = 8;
const K_COUNT = 9;
const K_ERRORS = 10;
const K_SLOW = 11;
const K_TOTAL = 12;
const K_MIN = 13;
const K_MAX = 14;
const K_P50 = 15;
const K_P95 = 16;
const K_P99 = 17;
const K_H = 18;

/** Marks a value the grammar refused. */
const FAIL = -1;

/** Where a scan function leaves the position after the value it scanned; each scanner owns one. */
class Cursor {
	at = 0;
}

/** True when b[start, start + text.length) holds the ASCII `text`. */
function bytesAre(b: Uint8Array, start: number, text: string): boolean {
	for (let index = 0; index < text.length; index++) if (b[start + index] !== text.charCodeAt(index)) return false;
	return true;
}

/** Which of the keys the summary is read from b[start, start + length) is; K_OTHER for the rest. */
function keyId(b: Uint8Array, start: number, length: number): number {
	// Length and two characters tell the known keys apart; one comparison confirms the candidate.
	const first = b[start]!;
	const second = length > 2 ? b[start + 2]! : b[start + length - 1]!;
	let key = K_OTHER;
	let text = '';
	switch ((length << 16) | (first << 8) | second) {
		case (1 << 16) | (104 << 8) | 104: // h
			return K_H;
		case (2 << 16) | (101 << 8) | 118: // ev
			return K_EV;
		case (2 << 16) | (111 << 8) | 112: // op
			return K_OP;
		case (3 << 16) | (112 << 8) | 100:
			key = K_PID;
			text = 'pid';
			break;
		case (4 << 16) | (116 << 8) | 109:
			key = K_TIME;
			text = 'time';
			break;
		case (4 << 16) | (102 << 8) | 111:
			key = K_FROM;
			text = 'from';
			break;
		case (4 << 16) | (115 << 8) | 111:
			key = K_SLOW;
			text = 'slow';
			break;
		case (4 << 16) | (107 << 8) | 110:
			key = K_KIND;
			text = 'kind';
			break;
		case (5 << 16) | (99 << 8) | 117:
			key = K_COUNT;
			text = 'count';
			break;
		case (5 << 16) | (109 << 8) | 110:
			key = K_MIN;
			text = 'minMs';
			break;
		case (5 << 16) | (109 << 8) | 120:
			key = K_MAX;
			text = 'maxMs';
			break;
		case (5 << 16) | (112 << 8) | 48:
			key = K_P50;
			text = 'p50Ms';
			break;
		case (5 << 16) | (112 << 8) | 53:
			key = K_P95;
			text = 'p95Ms';
			break;
		case (5 << 16) | (112 << 8) | 57:
			key = K_P99;
			text = 'p99Ms';
			break;
		case (6 << 16) | (112 << 8) | 117:
			key = K_PLUGIN;
			text = 'plugin';
			break;
		case (6 << 16) | (101 << 8) | 114:
			key = K_ERRORS;
			text = 'errors';
			break;
		case (7 << 16) | (112 << 8) | 114:
			key = K_PERFTOP;
			text = 'perftop';
			break;
		case (7 << 16) | (116 << 8) | 116:
			key = K_TOTAL;
			text = 'totalMs';
			break;
		default:
			return K_OTHER;
	}
	return bytesAre(b, start, text) ? key : K_OTHER;
}

/** Not a number JSON allows (distinct from NaN, which stands for "not finite"). */
const FAIL_NUMBER = Number.NEGATIVE_INFINITY;

/** Byte reads stay inside the line (it ends with `}`, which stops every scan), so they are numbers. */
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

/**
 * A JSON number at b[p]: its value (NaN when not finite), `cursor.at` after it; FAIL_NUMBER when the grammar
 * refuses it. The caller has checked that the line ends with `}`, so no scan runs past the line.
 */
function scanNumber(b: Buffer, p: number, cursor: Cursor): number {
	const start = p;
	let c = b[p]!;
	const negative = c === MINUS;
	if (negative) c = b[++p]!;
	let mantissa = 0;
	let digits = 0;
	if (c === ZERO) {
		c = b[++p]!;
		if (isDigit(c)) return FAIL_NUMBER;
	} else if (isDigit(c)) {
		do {
			mantissa = mantissa * 10 + (c - ZERO);
			digits++;
			c = b[++p]!;
		} while (isDigit(c));
	} else return FAIL_NUMBER;
	let scale = 0;
	if (c === DOT) {
		c = b[++p]!;
		if (!isDigit(c)) return FAIL_NUMBER;
		do {
			mantissa = mantissa * 10 + (c - ZERO);
			digits++;
			scale--;
			c = b[++p]!;
		} while (isDigit(c));
	}
	if (c === 101 || c === 69) {
		c = b[++p]!;
		let exponentNegative = false;
		if (c === 43 || c === MINUS) {
			exponentNegative = c === MINUS;
			c = b[++p]!;
		}
		if (!isDigit(c)) return FAIL_NUMBER;
		let exponent = 0;
		do {
			if (exponent < 1e6) exponent = exponent * 10 + (c - ZERO);
			c = b[++p]!;
		} while (isDigit(c));
		scale += exponentNegative ? -exponent : exponent;
	}
	cursor.at = p;
	let value: number;
	if (digits <= 15 && scale >= -22 && scale <= 22) value = scale >= 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
	else value = Number(b.toString('latin1', negative ? start + 1 : start, p));
	if (negative) value = -value;
	return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * Scans a string whose opening quote is at b[p - 1], up to `end`: `cursor.at` after the closing quote.
 * Returns FAIL for escapes, control characters or no closing quote; otherwise 1 when it holds non-ASCII
 * bytes, 0 when it is ASCII.
 */
function scanString(b: Uint8Array, p: number, end: number, cursor: Cursor): number {
	let high = 0;
	for (; p < end; p++) {
		const c = b[p]!;
		if (c === QUOTE) {
			cursor.at = p + 1;
			return high;
		}
		if (c === BACKSLASH || c < 32) return FAIL;
		if (c >= 128) high = 1;
	}
	return FAIL;
}

/** Reads summary lines into one reused record. */
export class SummaryScanner {
	readonly #cursor = new Cursor();
	readonly #names = new Names();
	readonly #record: ScannedSummary = {time: 0, pid: null, ev: 'summary', op: '', plugin: null, kind: 'hook', from: 0, count: 0, errors: 0, slow: 0, totalMs: 0, minMs: 0, maxMs: 0, p50Ms: null, p95Ms: null, p99Ms: null, pairs: new Float64Array(1024), pairCount: 0};

	/**
	 * The summary on b[start, end) (without the newline), or null when the general path must read the
	 * line. The record and its pairs are reused by the next call: use them before scanning again.
	 */
	scan(b: Buffer, start: number, end: number): ScannedSummary | null {
		if (end - start < 2 || b[start] !== OPEN_OBJECT || b[end - 1] !== CLOSE_OBJECT) return null;
		// A histogram has at most one number per two bytes of the line.
		if (this.#record.pairs.length < (end - start) >> 1) this.#record.pairs = new Float64Array(end - start);
		const h = this.#record.pairs;
		const cursor = this.#cursor;
		let perftop = Number.NaN;
		let time = Number.NaN;
		let pid = Number.NaN;
		let from = Number.NaN;
		let count = Number.NaN;
		let errors = Number.NaN;
		let slow = Number.NaN;
		let totalMs = Number.NaN;
		let minMs = Number.NaN;
		let maxMs = Number.NaN;
		let p50 = Number.NaN;
		let p95 = Number.NaN;
		let p99 = Number.NaN;
		let isSummary = false;
		let op: string | undefined;
		/** undefined: present but neither a string nor null. */
		let plugin: string | null | undefined = null;
		let operation = false;
		let pairs = -1;
		let p = start + 1;
		if (b[p] === CLOSE_OBJECT) return null;
		for (;;) {
			// Key.
			if (b[p] !== QUOTE) return null;
			const keyStart = p + 1;
			if (scanString(b, keyStart, end, cursor) !== 0) return null;
			const key = keyId(b, keyStart, cursor.at - 1 - keyStart);
			p = cursor.at;
			if (b[p] !== COLON) return null;
			const valueStart = ++p;
			const c = b[p]!;
			// Value: its number (NaN when it is not one) and, for strings, the bytes.
			let number = Number.NaN;
			let text = -1;
			if (c === QUOTE) {
				text = scanString(b, p + 1, end, cursor);
				if (text === FAIL) return null;
				p = cursor.at;
			} else if (c === MINUS || isDigit(c)) {
				number = scanNumber(b, p, cursor);
				if (number === FAIL_NUMBER) return null;
				p = cursor.at;
			} else if (c === 110) {
				if (!bytesAre(b, p, 'null')) return null;
				p += 4;
			} else if (c === 116) {
				if (!bytesAre(b, p, 'true')) return null;
				p += 4;
			} else if (c === 102) {
				if (!bytesAre(b, p, 'false')) return null;
				p += 5;
			} else if (c === OPEN_ARRAY && key === K_H) {
				pairs = scanPairs(b, p + 1, h, cursor);
				if (pairs === FAIL) return null;
				p = cursor.at;
			} else return null;
			switch (key) {
				case K_OTHER:
					break;
				case K_PERFTOP:
					perftop = number;
					break;
				case K_TIME:
					time = number;
					break;
				case K_PID:
					pid = number;
					break;
				case K_EV:
					isSummary = text === 0 && p - valueStart === 9 && bytesAre(b, valueStart + 1, 'summary');
					break;
				case K_OP:
					op = text >= 0 ? this.#names.decode(b, valueStart + 1, p - 1, text) : undefined;
					break;
				case K_PLUGIN:
					plugin = text >= 0 ? this.#names.decode(b, valueStart + 1, p - 1, text) : c === 110 ? null : undefined;
					break;
				case K_KIND:
					operation = text === 0 && p - valueStart === 11 && bytesAre(b, valueStart + 1, 'operation');
					break;
				case K_FROM:
					from = number;
					break;
				case K_COUNT:
					count = number;
					break;
				case K_ERRORS:
					errors = number;
					break;
				case K_SLOW:
					slow = number;
					break;
				case K_TOTAL:
					totalMs = number;
					break;
				case K_MIN:
					minMs = number;
					break;
				case K_MAX:
					maxMs = number;
					break;
				case K_P50:
					p50 = number;
					break;
				case K_P95:
					p95 = number;
					break;
				case K_P99:
					p99 = number;
					break;
				case K_H:
					if (c !== OPEN_ARRAY) pairs = -1;
					break;
			}
			if (p >= end) return null;
			const next = b[p];
			if (next === COMMA) {
				p++;
				continue;
			}
			if (next === CLOSE_OBJECT && p === end - 1) break;
			return null;
		}
		if (perftop !== PERF_LOG_SCHEMA || !isSummary || Number.isNaN(time) || op === undefined || plugin === undefined) return null;
		if (!(count > 0) || Number.isNaN(errors) || Number.isNaN(minMs) || Number.isNaN(maxMs) || pairs < 0) return null;
		const record = this.#record;
		record.pairCount = pairs;
		record.time = time;
		record.pid = Number.isNaN(pid) ? null : pid;
		record.op = op;
		record.plugin = plugin;
		record.kind = operation ? 'operation' : 'hook';
		record.from = Number.isNaN(from) ? time : from;
		record.count = count;
		record.errors = errors;
		record.slow = Number.isNaN(slow) ? 0 : slow;
		record.totalMs = Number.isNaN(totalMs) ? 0 : totalMs;
		record.minMs = minMs;
		record.maxMs = maxMs;
		record.p50Ms = Number.isNaN(p50) ? null : p50;
		record.p95Ms = Number.isNaN(p95) ? null : p95;
		record.p99Ms = Number.isNaN(p99) ? null : p99;
		return record;
	}
}

/**
 * Decodes the names of series (op, plugin), which repeat on every interval: a name seen before is found
 * by a hash of its bytes and compared byte by byte, so it is neither decoded nor allocated again. Holds at
 * most NAME_CAP names; past that, names are decoded every time.
 */
class Names {
	readonly #byHash = new Map<number, {bytes: Buffer; text: string}>();

	decode(b: Buffer, start: number, end: number, nonAscii: number): string {
		let hash = 0x811c9dc5 ^ (end - start);
		for (let index = start; index < end; index++) hash = Math.imul(hash ^ b[index]!, 0x01000193);
		const known = this.#byHash.get(hash);
		if (known !== undefined && known.bytes.length === end - start) {
			const bytes = known.bytes;
			let index = 0;
			while (index < bytes.length && bytes[index] === b[start + index]) index++;
			if (index === bytes.length) return known.text;
		}
		const text = b.toString(nonAscii === 1 ? 'utf8' : 'latin1', start, end);
		if (known === undefined && this.#byHash.size < NAME_CAP) this.#byHash.set(hash, {bytes: Buffer.from(b.subarray(start, end)), text});
		return text;
	}
}

/** Most names remembered by Names. */
const NAME_CAP = 16_384;

/**
 * Scans a histogram array whose `[` is at b[p - 1] into `into`: pairs of whole numbers, a bucket index of
 * the scheme and a count from 1 to below 1e15 (what flatHistogramTotal accepts, written as JSON integers).
 * Returns the number of entries, `cursor.at` after the `]`; FAIL for anything else (the general path then reads
 * the line: a fractional count, say).
 */
function scanPairs(b: Uint8Array, p: number, into: Float64Array, cursor: Cursor): number {
	if (b[p] === CLOSE_ARRAY) {
		cursor.at = p + 1;
		return 0;
	}
	let n = 0;
	for (;;) {
		// A bucket index: a whole number below BUCKETS (so at most 4 digits), then a comma.
		let bucket = b[p]! - ZERO;
		if (bucket < 0 || bucket > 9) return FAIL;
		let c = b[++p]!;
		if (bucket !== 0) {
			while (c >= ZERO && c <= NINE) {
				bucket = bucket * 10 + (c - ZERO);
				c = b[++p]!;
			}
		}
		if (c !== COMMA || bucket >= BUCKETS) return FAIL;
		// A count: a whole number from 1 to below 1e15 (a leading 0 is either zero or not JSON).
		let count = b[++p]! - ZERO;
		if (count < 1 || count > 9) return FAIL;
		c = b[++p]!;
		while (c >= ZERO && c <= NINE) {
			count = count * 10 + (c - ZERO);
			c = b[++p]!;
		}
		if (count >= 1e15) return FAIL;
		into[n] = bucket;
		into[n + 1] = count;
		n += 2;
		if (c === COMMA) p++;
		else if (c === CLOSE_ARRAY) break;
		else return FAIL;
	}
	cursor.at = p + 1;
	return n;
}
