/** Collects what a command prints. */
export interface Captured {
	stdout: {write(text: string): boolean};
	stderr: {write(text: string): boolean};
	printed(): string;
	complained(): string;
}

export function capture(): Captured {
	let out = '';
	let err = '';
	return {
		stdout: {write: text => ((out += text), true)},
		stderr: {write: text => ((err += text), true)},
		printed: () => out,
		complained: () => err,
	};
}
