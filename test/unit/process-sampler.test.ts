import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { sampleProcess, skippedSamplesWarning } from '../../src/engine/process-sampler.js';
import { monoNs } from '../../src/schedule/clock.js';

const emfile = () => {
  throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), { code: 'EMFILE' });
};

describe('the main thread process sampler', () => {
  it('a sample that fails (no file descriptor left for process.memoryUsage) is skipped and counted, never raised', () => {
    const agg = new Aggregator();
    let calls = 0;
    const cpu = { user: 0, system: 0 };
    const memory = () => (++calls === 1 ? emfile() : { rss: 64 * 1024 * 1024, heapUsed: 32 * 1024 * 1024 });
    const s = sampleProcess(agg, monoNs(), cpu, { cpu: () => cpu, memory });
    // the stop takes a last sample: the first fails, a second sampler's succeeds
    expect(() => s.stop()).not.toThrow();
    expect(s.skipped).toEqual({ count: 1, first: 'EMFILE: too many open files, uv_resident_set_memory' });
    expect(skippedSamplesWarning(s.skipped)).toMatch(/^PROCESS SAMPLES SKIPPED: 1 .*EMFILE.*gaps/);
    const again = sampleProcess(agg, monoNs(), cpu, { cpu: () => cpu, memory });
    again.stop();
    expect(again.skipped.count).toBe(0);
    expect(skippedSamplesWarning(again.skipped)).toBeNull();
    expect(agg.rssMb.at(0)).toBe(64);
  });
});
