import type { Options } from 'yargs';
import type { ShardSpec } from '../schedule/pacer.js';
import type { CliArgs } from './args.js';

const GROUP = 'Sharding (several machines, one schedule):';

/** How far in the past a --start-at may be: a pod that starts a little late still joins the schedule. */
export const MAX_START_LATE_MS = 5_000;

export const SHARD_OPTIONS: Record<string, Options> = {
  shard: { type: 'string', group: GROUP, describe: "This process's share I/N of the schedule: the arrivals k with k mod N = I (0 <= I < N)" },
  shards: { type: 'number', group: GROUP, describe: 'Shard count N, the index I read from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)' },
  'start-at': { type: 'string', group: GROUP, describe: 'Wall-clock instant t0 of the schedule, ISO 8601 or epoch ms: every shard starts there' },
};

/** Reads --shard / --shards (+ JOB_COMPLETION_INDEX) and --start-at; problems name the flag. */
export function readShardOptions(argv: CliArgs, env: NodeJS.ProcessEnv, nowMs: number, problems: string[]): { shard: ShardSpec | null; startAtMs: number | null } {
  return { shard: shardSpec(argv, env, problems), startAtMs: startAt(argv['start-at'], nowMs, problems) };
}

const WHOLE = /^\d+$/;

function shardSpec(argv: CliArgs, env: NodeJS.ProcessEnv, problems: string[]): ShardSpec | null {
  if (argv.shard !== undefined && argv.shards !== undefined) {
    problems.push('--shard: give either --shard I/N or --shards N (index from $JOB_COMPLETION_INDEX), not both');
    return null;
  }
  if (argv.shard !== undefined) {
    const [i, n, extra] = String(argv.shard).split('/');
    return checked(i, n, extra === undefined, `--shard: '${String(argv.shard)}'`, problems);
  }
  if (argv.shards === undefined) return null;
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined) {
    problems.push('--shards: needs the shard index in $JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job); elsewhere use --shard I/N');
    return null;
  }
  return checked(index, String(argv.shards), true, `--shards ${String(argv.shards)} with JOB_COMPLETION_INDEX='${index}'`, problems);
}

function checked(i: string | undefined, n: string | undefined, shaped: boolean, what: string, problems: string[]): ShardSpec | null {
  const ok = shaped && i !== undefined && n !== undefined && WHOLE.test(i) && WHOLE.test(n) && Number(n) >= 1 && Number(i) < Number(n);
  if (ok) return { index: Number(i), count: Number(n) };
  problems.push(`${what} is not a shard I/N: I and N are integers with 0 <= I < N, e.g. --shard 0/4`);
  return null;
}

function startAt(v: unknown, nowMs: number, problems: string[]): number | null {
  if (v === undefined) return null;
  const s = String(v).trim();
  // a zone is required: shards on machines with different local zones must agree on one instant
  const ms = /^\d+$/.test(s) ? Number(s) : /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? Date.parse(s) : NaN;
  if (!Number.isFinite(ms)) {
    problems.push(`--start-at: '${s}' is not an instant; use ISO 8601 with a zone (2026-01-31T12:00:00Z) or epoch milliseconds`);
    return null;
  }
  if (ms < nowMs - MAX_START_LATE_MS) {
    problems.push(`--start-at: ${new Date(ms).toISOString()} is ${((nowMs - ms) / 1000).toFixed(1)} s in the past (at most ${MAX_START_LATE_MS / 1000} s is accepted); choose an instant ahead that leaves every shard time to start`);
    return null;
  }
  return ms;
}
