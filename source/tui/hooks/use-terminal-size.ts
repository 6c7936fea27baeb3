/** The terminal's size, read once at the top of the app and again on every resize. */
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

/** Terminal size in columns and rows. */
export interface TerminalSize {
	width: number;
	height: number;
}

function read(stdout: NodeJS.WriteStream, fallback: TerminalSize): TerminalSize {
	return {width: stdout.columns || fallback.width, height: stdout.rows || fallback.height};
}

/** The size of Ink's stdout; `fallback` where the stream does not know (not a TTY). */
export function useTerminalSize(fallback: TerminalSize = {width: 80, height: 24}): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => read(stdout, fallback));
	useEffect(() => {
		const onResize = () => {
			setSize(previous => {
				const next = read(stdout, fallback);
				return next.width === previous.width && next.height === previous.height ? previous : next;
			});
		};
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
