/** Types for pino-roll 4 (the package ships none): the options perftop uses. */
declare module 'pino-roll' {
	import type {SonicBoom} from 'sonic-boom';

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

	/** Opens the first file of a rotated set and returns its SonicBoom stream. */
	export default function build(options: PinoRollOptions): Promise<SonicBoom>;
}
