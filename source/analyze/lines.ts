/**
 * Streams the lines of one file (plain or gzip, detected by content) with bounded memory: a line longer
 * than `maxLineChars` is skipped without being held, and gzip output is capped so a decompression bomb
 * ends with a message instead of hours of work. Damage (truncated gzip, read errors) ends the file with a
 * message; what was read before still counts.
 */
import {createReadStream} from 'node:fs';
import {open} from 'node:fs/promises';
import {StringDecoder} from 'node:string_decoder';
import {createGunzip} from 'node:zlib';

export interface ReadLimits {
	/** Longest line kept, in characters (default 1 MiB); longer lines are counted as oversized. */
	maxLineChars: number;
	/** gzip: decompressed bytes allowed per compressed byte (default 200)... */
	maxInflateRatio: number;
	/** ...but never less than this many bytes (default 1 GiB). */
	minInflateCap: number;
}

export const DEFAULT_LIMITS: ReadLimits = {maxLineChars: 1024 * 1024, maxInflateRatio: 200, minInflateCap: 1024 ** 3};

export interface FileReadResult {
	path: string;
	gzip: boolean;
	/** Bytes read from disk. */
	bytes: number;
	/** Bytes of text after decompression. */
	textBytes: number;
	lines: number;
	/** Lines skipped for length. */
	oversized: number;
	/** Why reading stopped early, or null when the whole file was read. */
	error: string | null;
}

/** Called per line; `last` is true for a final line without a newline (possibly cut off). */
export type LineHandler = (line: string, last: boolean) => void;

const CHUNK = 64 * 1024;

/** Reads `path` line by line. Never throws for I/O trouble: it ends up in `error`. */
export async function readLines(path: string, onLine: LineHandler, limits: ReadLimits = DEFAULT_LIMITS): Promise<FileReadResult> {
	const result: FileReadResult = {path, gzip: false, bytes: 0, textBytes: 0, lines: 0, oversized: 0, error: null};
	let size = 0;
	try {
		const handle = await open(path, 'r');
		try {
			const stat = await handle.stat();
			if (stat.isDirectory()) {
				result.error = 'is a directory';
				return result;
			}
			size = stat.size;
			const magic = Buffer.alloc(2);
			const {bytesRead} = await handle.read(magic, 0, 2, 0);
			result.gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
		} finally {
			await handle.close();
		}
	} catch (error) {
		result.error = describeIoError(error);
		return result;
	}

	const splitter = new LineSplitter(onLine, limits.maxLineChars, result);
	const decoder = new StringDecoder('utf8');
	const file = createReadStream(path, {highWaterMark: CHUNK});
	file.on('data', chunk => (result.bytes += chunk.length));
	try {
		if (result.gzip) {
			const cap = Math.max(limits.minInflateCap, size * limits.maxInflateRatio);
			const gunzip = createGunzip({chunkSize: 256 * 1024});
			file.on('error', error => gunzip.destroy(error));
			file.pipe(gunzip);
			try {
				for await (const chunk of gunzip as AsyncIterable<Buffer>) {
					result.textBytes += chunk.length;
					if (result.textBytes > cap) {
						result.error = `decompressed size passed ${formatBytes(cap)} (${limits.maxInflateRatio}x the compressed size); the rest of the file was skipped`;
						break;
					}
					splitter.push(decoder.write(chunk));
				}
			} catch (error) {
				result.error = gzipMessage(error);
			} finally {
				file.destroy();
				gunzip.destroy();
			}
		} else {
			for await (const chunk of file as AsyncIterable<Buffer>) {
				result.textBytes += chunk.length;
				splitter.push(decoder.write(chunk));
			}
		}
	} catch (error) {
		result.error = describeIoError(error);
	}
	if (result.error === null) splitter.push(decoder.end());
	splitter.end();
	return result;
}

/** Splits text chunks into lines, holding at most one partial line of at most `max` characters. */
class LineSplitter {
	#carry = '';
	#discarding = false;
	readonly #onLine: LineHandler;
	readonly #max: number;
	readonly #result: FileReadResult;

	constructor(onLine: LineHandler, max: number, result: FileReadResult) {
		this.#onLine = onLine;
		this.#max = max;
		this.#result = result;
	}

	push(text: string): void {
		if (text.length === 0) return;
		let newline = text.indexOf('\n');
		if (newline === -1) {
			this.#hold(text);
			return;
		}
		// The line that began in an earlier chunk.
		if (this.#discarding) this.#discarding = false;
		else this.#emit(this.#carry + text.slice(0, newline), false);
		this.#carry = '';
		let start = newline + 1;
		const onLine = this.#onLine;
		const max = this.#max;
		const result = this.#result;
		while ((newline = text.indexOf('\n', start)) !== -1) {
			if (newline - start > max) result.oversized++;
			else if (newline > start) {
				result.lines++;
				onLine(text.slice(start, newline), false);
			}
			start = newline + 1;
		}
		if (start < text.length) this.#hold(text.slice(start));
	}

	#hold(text: string): void {
		if (this.#discarding) return;
		if (this.#carry.length + text.length > this.#max) {
			this.#result.oversized++;
			this.#discarding = true;
			this.#carry = '';
			return;
		}
		this.#carry += text;
	}

	#emit(line: string, last: boolean): void {
		if (line.length > this.#max) {
			this.#result.oversized++;
			return;
		}
		if (line.length === 0 || line === '\r') return;
		this.#result.lines++;
		this.#onLine(line, last);
	}

	end(): void {
		if (!this.#discarding && this.#carry.length > 0) this.#emit(this.#carry, true);
		this.#carry = '';
		this.#discarding = false;
	}
}

function gzipMessage(error: unknown): string {
	const code = (error as {code?: string})?.code;
	if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(String((error as Error)?.message))) return 'gzip data ends early (truncated file); lines before the cut were read';
	if (code === 'Z_DATA_ERROR') return `corrupt gzip data (${(error as Error).message}); lines before the damage were read`;
	return describeIoError(error);
}

/** A one-line description of a file-system error. */
export function describeIoError(error: unknown): string {
	const code = (error as {code?: string})?.code;
	switch (code) {
		case 'ENOENT':
			return 'no such file or directory';
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EISDIR':
			return 'is a directory';
		default:
			return error instanceof Error ? error.message : String(error);
	}
}

/** Bytes as a short human string (binary units). */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (Math.abs(value) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
