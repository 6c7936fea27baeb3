/**
 * Memory over time with bounded memory: process samples fall into equal time bins; when the span needs
 * more than `capacity` bins, the bin width doubles and neighbours merge. Order of arrival does not matter.
 */

/** One bin of the memory timeline. */
export interface MemoryBin {
	/** Bin start and end, epoch ms. */
	from: number;
	to: number;
	samples: number;
	rssMax: number;
	rssMean: number;
	heapUsedMax: number;
	/** Mean CPU of the samples that had one, percent of one core. */
	cpuPercent: number | null;
}

interface Bin {
	samples: number;
	rssMax: number;
	rssSum: number;
	heapMax: number;
	cpuSum: number;
	cpuSamples: number;
}

/** Process memory over time in at most `capacity` bins: when the records outgrow them, bins are merged two by two (bin width doubles), so memory stays bounded for logs of any length. */
export class MemoryTimeline {
	readonly #capacity: number;
	#width: number;
	#bins = new Map<number, Bin>();

	constructor(capacity = 60, initialWidthMs = 1000) {
		this.#capacity = Math.max(2, capacity);
		this.#width = initialWidthMs;
	}

	add(time: number, rss: number, heapUsed: number, cpuPercent: number | null): void {
		const key = Math.floor(time / this.#width);
		let bin = this.#bins.get(key);
		if (!bin) {
			bin = {samples: 0, rssMax: 0, rssSum: 0, heapMax: 0, cpuSum: 0, cpuSamples: 0};
			this.#bins.set(key, bin);
		}
		bin.samples++;
		bin.rssSum += rss;
		if (rss > bin.rssMax) bin.rssMax = rss;
		if (heapUsed > bin.heapMax) bin.heapMax = heapUsed;
		if (cpuPercent !== null) {
			bin.cpuSum += cpuPercent;
			bin.cpuSamples++;
		}
		while (this.#bins.size > this.#capacity) this.#widen();
	}

	#widen(): void {
		this.#width *= 2;
		const merged = new Map<number, Bin>();
		for (const [key, bin] of this.#bins) {
			const into = Math.floor(key / 2);
			const other = merged.get(into);
			if (!other) {
				merged.set(into, bin);
				continue;
			}
			other.samples += bin.samples;
			other.rssSum += bin.rssSum;
			other.rssMax = Math.max(other.rssMax, bin.rssMax);
			other.heapMax = Math.max(other.heapMax, bin.heapMax);
			other.cpuSum += bin.cpuSum;
			other.cpuSamples += bin.cpuSamples;
		}
		this.#bins = merged;
	}

	/** Bins in time order (empty bins omitted). */
	bins(): MemoryBin[] {
		return [...this.#bins.entries()]
			.sort((a, b) => a[0] - b[0])
			.map(([key, bin]) => ({
				from: key * this.#width,
				to: (key + 1) * this.#width,
				samples: bin.samples,
				rssMax: bin.rssMax,
				rssMean: bin.rssSum / bin.samples,
				heapUsedMax: bin.heapMax,
				cpuPercent: bin.cpuSamples > 0 ? bin.cpuSum / bin.cpuSamples : null,
			}));
	}
}
