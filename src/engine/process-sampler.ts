import type { Aggregator } from '../metrics/aggregator.js';
import { monoNs } from '../schedule/clock.js';

const SAMPLE_MS = 100;
const MB = 1024 * 1024;

/** What the sampler reads (replaced in tests). */
export interface ProcessReadings {
  cpu(): NodeJS.CpuUsage;
  memory(): Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed'>;
}

const PROCESS: ProcessReadings = { cpu: () => process.cpuUsage(), memory: () => process.memoryUsage() };

export interface ProcessSampler {
  /** Stops sampling, after a last sample. */
  stop(): void;
  /** Samples that failed and were skipped, e.g. `process.memoryUsage()` without a file descriptor (EMFILE). */
  readonly skipped: { count: number; first: string | null };
}

/**
 * Client process CPU and memory per 100 ms bucket of the run timeline, CPU from `cpu0` on. A sample that
 * fails is skipped and counted, never raised: the run's measurements do not depend on it.
 */
export function sampleProcess(agg: Aggregator, t0Ns: bigint, cpu0: NodeJS.CpuUsage, read: ProcessReadings = PROCESS): ProcessSampler {
  let last = cpu0.user + cpu0.system;
  const skipped = { count: 0, first: null as string | null };
  const sample = () => {
    const atMs = Math.max(0, Number(monoNs() - t0Ns) / 1e6);
    try {
      const c = read.cpu();
      const total = c.user + c.system;
      const m = read.memory();
      agg.cpuMs.addAt(atMs, (total - last) / 1000);
      last = total;
      agg.rssMb.peakAt(atMs, m.rss / MB);
      agg.heapUsedMb.peakAt(atMs, m.heapUsed / MB);
    } catch (e) {
      skipped.count++;
      skipped.first ??= (e as Error).message;
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    skipped,
    stop: () => {
      clearInterval(timer);
      sample();
    },
  };
}

/** The warning for skipped samples, or null when none was. */
export function skippedSamplesWarning(s: ProcessSampler['skipped']): string | null {
  if (s.count === 0) return null;
  return `PROCESS SAMPLES SKIPPED: ${s.count} of the client's CPU and memory samples failed (first: ${s.first}); timeseries.csv's client_cpu_ms, rss_mb and heap_used_mb have gaps there`;
}
