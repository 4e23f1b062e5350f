import type { Aggregator } from '../metrics/aggregator.js';
import { monoNs } from '../schedule/clock.js';

const SAMPLE_MS = 100;
const MB = 1024 * 1024;

/** Client process CPU and memory per 100 ms bucket of the run timeline, CPU from `cpu0` on; returns the stop (with a last sample). */
export function sampleProcess(agg: Aggregator, t0Ns: bigint, cpu0: NodeJS.CpuUsage): () => void {
  let last = cpu0.user + cpu0.system;
  const sample = () => {
    const c = process.cpuUsage();
    const total = c.user + c.system;
    const atMs = Math.max(0, Number(monoNs() - t0Ns) / 1e6);
    agg.cpuMs.addAt(atMs, (total - last) / 1000);
    last = total;
    const m = process.memoryUsage();
    agg.rssMb.peakAt(atMs, m.rss / MB);
    agg.heapUsedMb.peakAt(atMs, m.heapUsed / MB);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
  };
}
