/**
 * Text measurement for Ink 6.8.0 with bounded memory, same sizes.
 *
 * Replaces: the measure function Ink's build/dom.js gives the Yoga node of every `ink-text` node
 * (`measureTextNode`, through yoga-layout's `Node.prototype.setMeasureFunc`), and with it the module-level
 * caches of Ink's build/measure-text.js and build/wrap-text.js, which are never emptied: Ink keeps every text
 * it ever measured and every wrapped text (https://github.com/vadimdemedes/ink/issues/986). A live view changes
 * tens of lines per snapshot, so those caches grow by megabytes an hour for as long as the TUI runs. Installed
 * only through ink-patches.ts, which checks Ink's version and falls back to Ink's own measurement.
 *
 * installBoundedMeasure() gives each text node Ink creates from then on a measure function that computes
 * what Ink 6.8.0's computes (Ink's own squashTextNodes, then the widest line and line count, wrapped or
 * truncated to the width when it does not fit) from caches that keep two generations of a bounded size.
 * Ink 6.8.0's measure-text.js measures the text as it is: an upstream change that strips an IME cursor marker
 * (U+E000) before measuring is not in that release, which places the cursor with `useCursor()` instead, so
 * this file does not strip it either (the tests compare sizes and frames with Ink's, a marker included).
 * A throw inside the replacement hands every node back to Ink's function (see `onError`).
 */
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {pathToFileURL} from 'node:url';
import cliTruncate from 'cli-truncate';
import widestLine from 'widest-line';
import wrapAnsi from 'wrap-ansi';
import Yoga from 'yoga-layout';

/** The size Yoga gets for a text. */
export interface TextSize {
	width: number;
	height: number;
}

/** The parts of an Ink DOM node read here. */
interface InkNode {
	nodeName: string;
	yogaNode?: object;
	childNodes?: InkNode[];
	style?: {textWrap?: string};
}

type MeasureFunction = (width: number, widthMode: unknown, height: number, heightMode: unknown) => TextSize;

interface YogaNodePrototype {
	setMeasureFunc(this: object, measure: MeasureFunction | null): void;
}

/** Entries kept per generation, per cache (two generations are kept). */
const GENERATION = 1000;

/** A map that forgets its older half when it grows past `limit`. */
class TwoGenerations<V> {
	#current = new Map<string, V>();
	#older = new Map<string, V>();

	constructor(readonly limit: number) {}

	get size(): number {
		return this.#current.size + this.#older.size;
	}

	get(key: string, make: () => V): V {
		let value = this.#current.get(key);
		if (value !== undefined) return value;
		value = this.#older.get(key) ?? make();
		if (this.#current.size >= this.limit) {
			this.#older = this.#current;
			this.#current = new Map();
		}
		this.#current.set(key, value);
		return value;
	}
}

const sizes = new TwoGenerations<TextSize>(GENERATION);
const wrapped = new TwoGenerations<string>(GENERATION);

function measureText(text: string): TextSize {
	if (text.length === 0) return {width: 0, height: 0};
	return sizes.get(text, () => ({width: widestLine(text), height: text.split('\n').length}));
}

function wrapText(text: string, width: number, mode: string): string {
	return wrapped.get(`${width}\u0000${mode}\u0000${text}`, () => {
		if (mode === 'wrap') return wrapAnsi(text, width, {trim: false, hard: true});
		if (mode.startsWith('truncate')) {
			const position = mode === 'truncate-middle' ? 'middle' : mode === 'truncate-start' ? 'start' : 'end';
			return cliTruncate(text, width, {position});
		}
		return text;
	});
}

/** Entries held by the measurement caches (for tests: stays bounded whatever is drawn). */
export function measureCacheSize(): number {
	return sizes.size + wrapped.size;
}

interface InkInternals {
	instances: {get(key: object): {rootNode?: InkNode} | undefined};
	squashTextNodes(node: InkNode): string;
}

async function loadInkInternals(): Promise<InkInternals> {
	const build = dirname(createRequire(import.meta.url).resolve('ink'));
	const load = async (file: string): Promise<unknown> => ((await import(pathToFileURL(join(build, file)).href)) as {default?: unknown}).default;
	const [instances, squashTextNodes] = await Promise.all([load('instances.js'), load('squash-text-nodes.js')]);
	if (typeof (instances as {get?: unknown} | undefined)?.get !== 'function') throw new Error("Ink's build/instances.js does not export its instances map");
	if (typeof squashTextNodes !== 'function') throw new Error("Ink's build/squash-text-nodes.js does not export a function");
	return {instances: instances as InkInternals['instances'], squashTextNodes: squashTextNodes as InkInternals['squashTextNodes']};
}

/** Optional check for tests: called with each size computed here and the size Ink's own function gives. */
export type MeasureCheck = (mine: TextSize, ink: TextSize) => void;

/** Options of {@link installBoundedMeasure}. */
export interface BoundedMeasureOptions {
	/** Compares every size with Ink's own (tests; it doubles the measuring work). */
	check?: MeasureCheck;
	/**
	 * Called when the replacement throws while measuring. By then Ink's own function measures every text node,
	 * the ones already created included; that measurement is answered by Ink's function too.
	 */
	onError?: (error: unknown) => void;
}

let installed: {prototype: YogaNodePrototype; original: YogaNodePrototype['setMeasureFunc']; state: {failed: boolean}} | null = null;

/**
 * Makes text nodes that Ink creates for the app rendered to `stdout` measure with bounded caches (idempotent;
 * the first stdout wins). Resolves with a function that undoes it for nodes created afterwards. Rejects when
 * Ink's internals cannot be loaded; the live view goes through ink-patches.ts, which checks Ink's version first.
 */
export async function installBoundedMeasure(stdout: object, options: BoundedMeasureOptions = {}): Promise<() => void> {
	if (installed) return uninstallBoundedMeasure;
	const {instances, squashTextNodes} = await loadInkInternals();
	const prototype = (Yoga as unknown as {Node?: {prototype?: YogaNodePrototype}}).Node?.prototype;
	if (typeof prototype?.setMeasureFunc !== 'function') throw new Error('yoga-layout has no Node.prototype.setMeasureFunc');
	if (installed) return uninstallBoundedMeasure;
	const original = prototype.setMeasureFunc;
	const {check, onError} = options;
	const state = {failed: false};
	const textNodes = new WeakMap<object, InkNode>();

	const register = (node: InkNode): void => {
		if (node.nodeName === 'ink-text' && node.yogaNode) textNodes.set(node.yogaNode, node);
		for (const child of node.childNodes ?? []) register(child);
	};
	const find = (yogaNode: object): InkNode | undefined => {
		let node = textNodes.get(yogaNode);
		if (node === undefined) {
			const root = instances.get(stdout)?.rootNode;
			if (root) register(root);
			node = textNodes.get(yogaNode);
		}
		return node;
	};
	const measure = (node: InkNode, width: number): TextSize => {
		const text = squashTextNodes(node);
		const size = measureText(text);
		if (size.width <= width) return size;
		// Yoga asks whether the text fits in less than one column while shrinking: it does not.
		if (size.width >= 1 && width > 0 && width < 1) return size;
		return measureText(wrapText(text, width, node.style?.textWrap ?? 'wrap'));
	};

	prototype.setMeasureFunc = function (this: object, inkMeasure: MeasureFunction | null) {
		if (typeof inkMeasure !== 'function') return original.call(this, inkMeasure);
		const yogaNode = this;
		return original.call(this, (width, widthMode, height, heightMode) => {
			if (state.failed) return inkMeasure(width, widthMode, height, heightMode);
			let size: TextSize;
			try {
				const node = find(yogaNode);
				if (node === undefined) return inkMeasure(width, widthMode, height, heightMode);
				size = measure(node, width);
			} catch (error) {
				state.failed = true;
				if (installed?.state === state) uninstallBoundedMeasure();
				onError?.(error);
				return inkMeasure(width, widthMode, height, heightMode);
			}
			check?.(size, inkMeasure(width, widthMode, height, heightMode));
			return size;
		});
	};
	installed = {prototype, original, state};
	return uninstallBoundedMeasure;
}

/** Text nodes created from now on measure with Ink's own function again. */
export function uninstallBoundedMeasure(): void {
	if (!installed) return;
	installed.prototype.setMeasureFunc = installed.original;
	installed = null;
}
