import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../src/metrics/aggregator.js';
import { buildSummary } from '../../src/metrics/build-summary.js';
import type { RunSummary } from '../../src/metrics/summary.js';
import { mergeShards, type ShardData } from '../../src/merge/merge-shards.js';
import { evaluateSlos } from '../../src/slo/evaluate.js';
import { goodput } from '../../src/slo/goodput.js';
import { parseSlos, type Slo } from '../../src/slo/parse.js';
import { META, record } from './summary-fixture.js';

const OBJECTIVES = 'ttft_p99<=1s,server_queue_depth_max<=4';

function shard(index: number, objectives: Slo[]): ShardData {
  const records = [record({ id: index, worker: 0 })];
  const agg = new Aggregator(goodput(objectives));
  records.forEach((r) => agg.add(r));
  const summary: RunSummary = buildSummary(agg, META);
  summary.shard = { index, count: 2, start_at: null, ready_lead_ms: 0, first_send_late_ms: 0 };
  // each shard judged the server's figures on its own scrapes
  summary.slo = evaluateSlos(summary, objectives);
  return { dir: `/shard-${index}`, summary, records, buckets: [], perSecond: { cpuMs: [], rssMb: [], heapUsedMb: [] } };
}

describe('merging shards with objectives on the server', () => {
  it("judges the client's objectives on the union and leaves the server's to each shard, with a warning", () => {
    const parsed = parseSlos(OBJECTIVES);
    if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
    const merged = mergeShards([shard(0, parsed.slos), shard(1, parsed.slos)], 'merged', []);
    expect(merged.summary.slo!.results.map((r) => [r.metric, r.passed])).toEqual([['ttft_p99', true]]);
    expect(merged.summary.slo!.passed).toBe(true);
    expect(merged.summary.warnings).toContain("SERVER OBJECTIVES NOT MERGED: server_queue_depth_max<=4 are judged in each shard's own summary.json");
  });
});
