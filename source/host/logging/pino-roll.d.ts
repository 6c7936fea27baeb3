/** Types for pino-roll 4 (the package ships none): the options perftop uses. */
declare module 'pino-roll' {
	import type {EventEmitter} from 'node:events';

	/** The stream pino-roll returns (a sonic-boom instance): the part of it perftop and pino use. */
	export interface RollStream extends EventEmitter {
		write(data: string): boolean;
		end(): void;
		destroy(): void;
	}

	interface PinoRollOptions {
		file: string;
		size?: string | number;
		frequency?: 'daily' | 'hourly' | number;
		extension?: string;
		limit?: {count: number; removeOtherLogFiles?: boolean};
		mkdir?: boolean;
		sync?: boolean;
		maxLength?: number;
		minLength?: number;
	}

	/** Opens the first file of a rotated set and returns its stream. */
	export default function build(options: PinoRollOptions): Promise<RollStream>;
}
