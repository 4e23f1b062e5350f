import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { checkShards, type ShardFolder } from '../merge/check-shards.js';
import { mergeShards, type ShardData } from '../merge/merge-shards.js';
import { renderObjectives } from '../report/objectives.js';
import { renderSummary } from '../report/terminal.js';
import { bucketRows, secondRows, BUCKET_HEADER, SECOND_HEADER } from '../results/csv-rows.js';
import { readPerSecond, readRecords } from '../results/read-records.js';
import { readRun } from '../results/read-runs.js';
import { FILES, RunFolder } from '../results/run-folder.js';
import { texts, type CliArgs } from './args.js';
import { usageError } from './usage-error.js';

/**
 * `auto-testing merge DIR... --out DIR`: shard folders -> one run folder. Exit 2 when they do not belong
 * together, 3 when the merged run fails an --slo objective the shards were given, else 0.
 */
export async function mergeCommand(argv: CliArgs): Promise<number> {
  const dirs = texts(argv, 'dirs');
  const out = String(argv.out);
  const unreadable = dirs.filter((d) => !existsSync(join(d, FILES.summary)));
  if (unreadable.length) return usageError(unreadable.map((d) => `merge: '${d}' has no ${FILES.summary}; pass the run folders the shards wrote`));
  if (existsSync(out) && readdirSync(out).length) return usageError([`--out: '${out}' exists and is not empty; name a new folder for the merged run`]);
  const folders: ShardFolder[] = dirs.map((dir) => ({ dir, summary: readRun(dir, dir).summary }));
  const { problems, warnings } = checkShards(folders);
  if (problems.length) return usageError(problems);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  for (const w of warnings) log(`auto-testing ${w}`);

  const shards: ShardData[] = folders.map((f) => ({ ...f, records: readRecords(f.dir), buckets: readRun(f.dir, f.dir).buckets, perSecond: perSecond(f.dir) }));
  const merged = mergeShards(shards, basename(out), [...warnings, ...countMismatches(shards)]);
  const folder = new RunFolder(dirname(out), basename(out));
  folder.appendRecords(merged.records);
  folder.writeSummary(merged.summary);
  folder.writeCsv(FILES.timeseries, SECOND_HEADER, secondRows(merged.agg));
  folder.writeCsv(FILES.buckets, BUCKET_HEADER, bucketRows(merged.agg, merged.summary.run.t0_wall_ms));
  folder.close();
  const late = merged.summary.shards!.first_send_late_ms;
  if (late.spread !== null) log(`first send late per shard: ${late.min!.toFixed(3)} .. ${late.max!.toFixed(3)} ms (spread ${late.spread.toFixed(3)} ms)`);
  process.stdout.write(argv.json ? `${JSON.stringify(merged.summary, null, 2)}\n` : `${renderSummary(merged.summary)}\n${renderObjectives(merged.summary)}\n`);
  log(`merged ${shards.length} shard(s) of ${merged.summary.shards!.count}: ${folder.path}`);
  // the shards' --slo objectives judged on the merged run, as a single run's would be (exit code 3)
  return merged.summary.slo && !merged.summary.slo.passed ? 3 : 0;
}

function perSecond(dir: string): ShardData['perSecond'] {
  return { cpuMs: readPerSecond(dir, 'client_cpu_ms'), rssMb: readPerSecond(dir, 'rss_mb'), heapUsedMb: readPerSecond(dir, 'heap_used_mb') };
}

/** A shard whose requests.csv holds fewer rows than its summary counted lost records (a crash mid-write). */
function countMismatches(shards: readonly ShardData[]): string[] {
  return shards
    .filter((s) => s.records.length !== s.summary.requests.scheduled)
    .map((s) => `merge: shard ${s.summary.shard!.index}: requests.csv has ${s.records.length} rows but its summary counted ${s.summary.requests.scheduled}; the merge uses the rows`);
}
