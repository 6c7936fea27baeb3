/**
 * A small reader of exposition text for the tests: samples by name and labels, and the family headers.
 * Label values are unescaped, so a test compares them with the original names.
 */

/** One sample line. */
export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

/** Every sample line of `text` (comments skipped). Throws on a line it cannot read. */
export function samples(text: string): Sample[] {
	const out: Sample[] = [];
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#')) continue;
		const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
		if (!match) throw new Error(`cannot read sample line: ${line}`);
		out.push({name: match[1]!, labels: labels(match[2] ?? ''), value: parseValue(match[3]!)});
	}
	return out;
}

function parseValue(text: string): number {
	if (text === '+Inf') return Infinity;
	if (text === '-Inf') return -Infinity;
	return Number(text);
}

function labels(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	if (text === '') return out;
	const body = text.slice(1, -1);
	const pattern = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/gy;
	let end = 0;
	for (let match = pattern.exec(body); match !== null; match = pattern.exec(body)) {
		out[match[1]!] = match[2]!.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
		end = pattern.lastIndex;
	}
	if (end !== body.length) throw new Error(`cannot read labels: ${text}`);
	return out;
}

/** The samples named `name` whose labels include `where`. */
export function find(all: readonly Sample[], name: string, where: Record<string, string> = {}): Sample[] {
	return all.filter(sample => sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value));
}

/** The one value of `name` with `where`; throws unless exactly one sample matches. */
export function value(all: readonly Sample[], name: string, where: Record<string, string> = {}): number {
	const found = find(all, name, where);
	if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(where)}`);
	return found[0]!.value;
}
