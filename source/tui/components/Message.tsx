/** A full-screen message (terminal too small, incompatible host, not connected yet). */
import {Box, Text} from 'ink';
import type {Style} from '../theme.js';

/** Props of Message. */
export interface MessageProps {
	lines: string[];
	width: number;
	height: number;
	style: Style;
}

/** Draws `lines` near the top of a `width` x `height` area (kept below the terminal's height). */
export function Message({lines, width, height, style}: MessageProps) {
	return (
		<Box flexDirection="column" width={width} height={Math.max(1, Math.min(height, lines.length + 2))} paddingTop={1}>
			{lines.map((line, index) => (
				<Text key={index} wrap="wrap" {...(index === 0 ? style : {})}>
					{line}
				</Text>
			))}
		</Box>
	);
}

/** The lines shown when the terminal is smaller than the minimum. */
export function tooSmallLines(width: number, height: number, minWidth: number, minHeight: number): string[] {
	return [`Terminal too small: ${width}x${height}`, `perftop needs at least ${minWidth}x${minHeight}.`, 'Enlarge the window, or press q to quit.'];
}
