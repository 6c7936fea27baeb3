/**
 * A faster frame assembly for Ink 6.8.0, byte-for-byte the same output.
 *
 * Replaces: `Output.prototype.get` of Ink's build/output.js (Ink's `Output#get()`, which turns the render
 * tree's writes into the frame's text). Installed only through ink-patches.ts, which checks Ink's version and
 * falls back to Ink's own method; part of the same guarded set as bounded-measure.ts, whose reason is Ink's
 * unbounded measure caches (https://github.com/vadimdemedes/ink/issues/986).
 *
 * Ink allocates one object per screen cell, tokenizes every written line character by character (new caches
 * every frame), and then walks every cell computing the ANSI difference to the previous cell with several Sets
 * and arrays. At 200x60 that is ~12 000 cells and well over 100 000 short-lived objects per frame, whatever is
 * drawn: most of a frame's cost (bench section `tui`, row "full 200x60 frame with Ink's own assembly/measure").
 *
 * installFastOutput() replaces that method with one that produces the same string:
 * - written lines are tokenized once and kept across frames (two generations, bounded), so unchanged lines
 *   cost a map lookup; a new line of printable ASCII, box-drawing and block characters and SGR colour codes
 *   (all the TUI draws) is tokenized by a direct scan, any other line by Ink's own tokenizer;
 * - a cell is a character and a style number in two plain arrays; styles are interned by their ANSI codes;
 * - the ANSI text between two styles is computed once per pair, with the same functions Ink uses.
 * Frames that clip (overflow="hidden") still go through Ink's own method: the TUI does not clip. A throw inside
 * the replacement puts Ink's method back and draws that frame with it (see `onError`).
 */
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, tokenize, type AnsiCode} from '@alcalzone/ansi-tokenize';

/** A styled character as Ink's Output caches return it. */
interface StyledChar {
	value: string;
	styles: AnsiCode[];
}

interface OutputCaches {
	getStyledChars(line: string): StyledChar[];
	getStringWidth(text: string): number;
}

type Transformer = (line: string, index: number) => string;

type Operation = {type: 'write'; x: number; y: number; text: string; transformers: Transformer[]} | {type: 'clip'} | {type: 'unclip'};

/** The parts of Ink's Output instance the replacement reads. */
interface InkOutput {
	width: number;
	height: number;
	operations: Operation[];
	caches: OutputCaches;
}

/** The part of Ink's Output class that is replaced. */
export interface OutputClass {
	prototype: {get(this: InkOutput): {output: string; height: number}};
}

/** One tokenized line: characters, their style numbers and printed widths (null: every character is 1 wide). */
interface Line {
	values: string[];
	styles: Int32Array;
	widths: Uint8Array | null;
}

/**
 * Lines kept per generation; two generations are kept. A frame reuses the lines that did not change since
 * the previous one, so a generation needs to hold about one screen: this bounds memory to a few hundred KB.
 */
const LINE_CACHE = 400;
/** Styles kept before the style table is rebuilt. */
const STYLE_LIMIT = 4096;

/** Interned styles and the ANSI text between them. */
class StyleTable {
	#ids = new Map<string, number>();
	#styles: AnsiCode[][] = [[]];
	#transitions = new Map<number, string>();
	#after = new Map<string, number>();

	constructor() {
		this.#ids.set('', 0);
	}

	get size(): number {
		return this.#styles.length;
	}

	/** The number of the style made of `codes` (0: no style). */
	id(codes: AnsiCode[]): number {
		if (codes.length === 0) return 0;
		let key = '';
		for (const code of codes) key += `${code.code}\u0000`;
		let id = this.#ids.get(key);
		if (id === undefined) {
			id = this.#styles.length;
			this.#styles.push(codes);
			this.#ids.set(key, id);
		}
		return id;
	}

	/**
	 * The style after the SGR sequence `sequence` (e.g. `\u001B[1;31m`) is applied to style `from`, reduced
	 * the way Ink's tokenizer reduces it; null when the sequence is not one Ink reads as SGR codes only.
	 */
	after(from: number, sequence: string): number | null {
		const key = `${from}\u0000${sequence}`;
		let id = this.#after.get(key);
		if (id === undefined) {
			const tokens = tokenize(sequence);
			if (tokens.length === 0 || tokens.some(token => token.type !== 'ansi')) return null;
			let codes = this.#styles[from]!;
			for (const token of tokens) codes = reduceAnsiCodesIncremental(codes, [token as AnsiCode]);
			id = this.id(codes);
			this.#after.set(key, id);
		}
		return id;
	}

	/** The ANSI codes that turn style `from` into style `to`, as Ink writes them. */
	transition(from: number, to: number): string {
		const key = from * STYLE_LIMIT * 2 + to;
		let text = this.#transitions.get(key);
		if (text === undefined) {
			text = ansiCodesToString(diffAnsiCodes(this.#styles[from]!, this.#styles[to]!));
			this.#transitions.set(key, text);
		}
		return text;
	}
}

const ESC = 0x1b;

/**
 * Whether code unit `code` is a character that Ink's tokenizer makes a grapheme of its own, one column wide:
 * printable ASCII, box drawing and block elements (U+2500-U+259F, "ambiguous" width, narrow in Ink).
 */
function simpleChar(code: number): boolean {
	return (code >= 0x20 && code <= 0x7e) || (code >= 0x2500 && code <= 0x259f);
}

/** Tokenizes `text` by a direct scan, or returns null when it holds anything but simple characters and SGR codes. */
function scanLine(text: string, styles: StyleTable): Line | null {
	const values: string[] = [];
	const ids: number[] = [];
	let style = 0;
	for (let index = 0; index < text.length; ) {
		const code = text.charCodeAt(index);
		if (code === ESC) {
			if (text.charCodeAt(index + 1) !== 0x5b) return null;
			let end = index + 2;
			for (; end < text.length; end++) {
				const c = text.charCodeAt(end);
				if (c === 0x6d) break;
				if (c !== 0x3b && (c < 0x30 || c > 0x39)) return null;
			}
			if (end >= text.length) return null;
			const next = styles.after(style, text.slice(index, end + 1));
			if (next === null) return null;
			style = next;
			index = end + 1;
			continue;
		}
		if (!simpleChar(code)) return null;
		values.push(text[index]!);
		ids.push(style);
		index++;
	}
	return {values, styles: Int32Array.from(ids), widths: null};
}

/** Frame assembly state shared by every Output instance (one TUI per process). */
class FrameAssembler {
	#styles = new StyleTable();
	#lines = new Map<string, Line>();
	#older = new Map<string, Line>();

	/** Starts a frame: bounds the caches. */
	begin(): void {
		if (this.#styles.size > STYLE_LIMIT) {
			this.#styles = new StyleTable();
			this.#lines = new Map();
			this.#older = new Map();
		} else if (this.#lines.size > LINE_CACHE) {
			this.#older = this.#lines;
			this.#lines = new Map();
		}
	}

	line(text: string, caches: OutputCaches): Line {
		let line = this.#lines.get(text);
		if (line !== undefined) return line;
		line = this.#older.get(text) ?? scanLine(text, this.#styles) ?? undefined;
		if (line === undefined) {
			const chars = caches.getStyledChars(text);
			const values: string[] = [];
			const styles = new Int32Array(chars.length);
			let widths: Uint8Array | null = null;
			for (let index = 0; index < chars.length; index++) {
				const char = chars[index]!;
				values.push(char.value);
				styles[index] = this.#styles.id(char.styles);
				const width = Math.max(1, caches.getStringWidth(char.value));
				if (width !== 1) {
					widths ??= new Uint8Array(chars.length).fill(1);
					widths[index] = width;
				}
			}
			line = {values, styles, widths};
		}
		this.#lines.set(text, line);
		return line;
	}

	/** A row of cells as Ink prints it: minimal ANSI changes, styles closed at the end, trailing blanks cut. */
	rowText(values: Array<string | undefined>, styles: number[]): string {
		let text = '';
		let previous = -1;
		for (let index = 0; index < values.length; index++) {
			const value = values[index];
			if (value === undefined) continue;
			const style = styles[index]!;
			if (previous === -1) text += this.#styles.transition(0, style);
			else if (style !== previous) text += this.#styles.transition(previous, style);
			text += value;
			previous = style;
		}
		if (previous > 0) text += this.#styles.transition(previous, 0);
		return text.trimEnd();
	}
}

const assembler = new FrameAssembler();

/** Ink's Output#get, rebuilt on cached lines and interned styles. Same string, same height. */
function get(this: InkOutput, original: () => {output: string; height: number}): {output: string; height: number} {
	for (const operation of this.operations) if (operation.type === 'clip') return original.call(this);
	assembler.begin();
	const {width, height} = this;
	const values: Array<Array<string | undefined>> = [];
	const styles: number[][] = [];
	for (let y = 0; y < height; y++) {
		values.push(new Array<string>(width).fill(' '));
		styles.push(new Array<number>(width).fill(0));
	}
	for (const operation of this.operations) {
		if (operation.type !== 'write' || !operation.text) continue;
		const {x, y, transformers} = operation;
		const lines = operation.text.split('\n');
		for (let index = 0; index < lines.length; index++) {
			const rowValues = values[y + index];
			// Ink stops at the first line below the frame (it never moves past a missing row).
			if (rowValues === undefined) break;
			const rowStyles = styles[y + index]!;
			let text = lines[index]!;
			for (const transformer of transformers) text = transformer(text, index);
			const line = assembler.line(text, this.caches);
			let offsetX = x;
			for (let char = 0; char < line.values.length; char++) {
				const style = line.styles[char]!;
				rowValues[offsetX] = line.values[char]!;
				rowStyles[offsetX] = style;
				const charWidth = line.widths === null ? 1 : line.widths[char]!;
				for (let extra = 1; extra < charWidth; extra++) {
					rowValues[offsetX + extra] = '';
					rowStyles[offsetX + extra] = style;
				}
				offsetX += charWidth;
			}
		}
	}
	let output = '';
	for (let y = 0; y < height; y++) output += (y === 0 ? '' : '\n') + assembler.rowText(values[y]!, styles[y]!);
	return {output, height};
}

let installed: {prototype: OutputClass['prototype']; original: OutputClass['prototype']['get']} | null = null;

/** Ink's Output class, loaded from the same file Ink itself loads (so it is the class Ink renders with). */
export async function inkOutputClass(): Promise<OutputClass> {
	const inkEntry = createRequire(import.meta.url).resolve('ink');
	const module = (await import(new URL('./output.js', pathToFileURL(inkEntry)).href)) as {default?: OutputClass};
	if (typeof module.default?.prototype?.get !== 'function') throw new Error("Ink's build/output.js has no Output class with a get() method");
	return module.default;
}

/** Options of {@link installFastOutput}. */
export interface FastOutputOptions {
	/**
	 * Called when the replacement throws while assembling a frame. Ink's own method is already back in place
	 * when it is called, and draws that frame. Default: nothing (the fallback happens all the same).
	 */
	onError?: (error: unknown) => void;
}

/**
 * Replaces Ink's frame assembly with the cached one (idempotent). Resolves with a function that undoes it.
 * Rejects when Ink's Output class cannot be loaded; the live view goes through ink-patches.ts, which checks
 * Ink's version first.
 */
export async function installFastOutput(options: FastOutputOptions = {}): Promise<() => void> {
	if (!installed) {
		const Output = await inkOutputClass();
		const original = Output.prototype.get;
		const {onError} = options;
		Output.prototype.get = function (this: InkOutput) {
			try {
				return get.call(this, original);
			} catch (error) {
				uninstallFastOutput();
				onError?.(error);
				return original.call(this);
			}
		};
		installed = {prototype: Output.prototype, original};
	}
	return uninstallFastOutput;
}

/** Puts Ink's own frame assembly back. */
export function uninstallFastOutput(): void {
	if (!installed) return;
	installed.prototype.get = installed.original;
	installed = null;
}
