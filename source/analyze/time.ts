/**
 * Parses the time bounds of --since/--until: an ISO date or date-time, epoch milliseconds, or a duration
 * ago (`90s`, `30m`, `2h`, `7d`).
 */

const UNITS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

/** Epoch ms for `text`, or an error sentence. `now` is the reference for durations. */
export function parseTimeBound(text: string, now: number = Date.now()): number | {error: string} {
	const trimmed = text.trim();
	const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(trimmed);
	if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
	if (/^\d{10,}$/.test(trimmed)) return Number(trimmed);
	if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
		const parsed = Date.parse(trimmed);
		if (Number.isFinite(parsed)) return parsed;
	}
	return {error: `'${text}' is not a time: use an ISO date (2025-01-31 or 2025-01-31T12:00:00Z), epoch milliseconds, or a duration ago (30m, 2h, 7d)`};
}
