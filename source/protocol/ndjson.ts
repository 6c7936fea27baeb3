/**
 * NDJSON framing: one JSON value per line, UTF-8, `\n` terminated. The decoder works on bytes, so it handles
 * any chunking: several messages in one chunk, a message split anywhere (also inside a multi-byte UTF-8
 * character), and a final line without its newline (via end()). Pure data handling, no I/O.
 */
import {ErrorCode, ProtocolError} from './errors.js';
import {MAX_LINE_BYTES} from './version.js';

/**
 * Largest line a client accepts from a host, in bytes (256 MiB). Host-to-client lines (snapshots and exports
 * of hosts with many series) can legitimately exceed MAX_LINE_BYTES, which bounds what clients send.
 */
export const MAX_SERVER_LINE_BYTES = 256 * 1024 * 1024;

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** One message as an NDJSON line (JSON text plus `\n`). JSON.stringify never emits a raw newline. */
export function encodeLine(message: unknown): string {
	return JSON.stringify(message) + '\n';
}

/** What one push() or end() produced: the complete lines, and an error when a line was too long. */
export interface DecodeResult {
	lines: string[];
	/** Set once a line exceeded the limit; the decoder then ignores all further input. */
	error: ProtocolError | null;
}

/** Options of {@link NdjsonDecoder}. */
export interface DecoderOptions {
	/** Longest accepted line in bytes, newline excluded (default MAX_LINE_BYTES). */
	maxLineBytes?: number;
}

/**
 * Splits a byte stream into lines. Memory is bounded by the limit: an over-long line is detected as soon as
 * its bytes exceed it (without waiting for its newline), reported once, and nothing more is buffered.
 */
export class NdjsonDecoder {
	readonly maxLineBytes: number;
	#parts: Uint8Array[] = [];
	#pending = 0;
	#error: ProtocolError | null = null;

	constructor(options: DecoderOptions = {}) {
		this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
	}

	/** The error that stopped this decoder, if any. */
	get error(): ProtocolError | null {
		return this.#error;
	}

	/** Bytes held for an unfinished line. */
	get bufferedBytes(): number {
		return this.#pending;
	}

	/** Feeds a chunk; returns the lines it completed (without their newlines). */
	push(chunk: Uint8Array | string): DecodeResult {
		const lines: string[] = [];
		if (this.#error) return {lines, error: this.#error};
		const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
		let start = 0;
		while (start < bytes.length) {
			const newline = bytes.indexOf(NEWLINE, start);
			const end = newline === -1 ? bytes.length : newline;
			if (this.#pending + (end - start) > this.maxLineBytes) return this.#fail(lines);
			if (newline === -1) {
				// Keep a copy: the caller may reuse its buffer.
				this.#parts.push(Uint8Array.prototype.slice.call(bytes, start));
				this.#pending += bytes.length - start;
				break;
			}
			lines.push(this.#take(bytes.subarray(start, newline)));
			start = newline + 1;
		}
		return {lines, error: null};
	}

	/** Ends the stream: a final line without a newline is returned as a line. */
	end(): DecodeResult {
		if (this.#error || this.#pending === 0) return {lines: [], error: this.#error};
		return {lines: [this.#take(new Uint8Array(0))], error: null};
	}

	#take(tail: Uint8Array): string {
		if (this.#pending === 0) return utf8.decode(tail);
		const whole = new Uint8Array(this.#pending + tail.length);
		let offset = 0;
		for (const part of this.#parts) {
			whole.set(part, offset);
			offset += part.length;
		}
		whole.set(tail, offset);
		this.#parts = [];
		this.#pending = 0;
		return utf8.decode(whole);
	}

	#fail(lines: string[]): DecodeResult {
		this.#parts = [];
		this.#pending = 0;
		this.#error = new ProtocolError(ErrorCode.lineTooLong, `line longer than ${this.maxLineBytes} bytes`);
		return {lines, error: this.#error};
	}
}
