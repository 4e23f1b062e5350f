import type { Options } from 'yargs';
import { MIN_REQUESTS } from '../leaderboard/validity.js';
import { BOTTLENECK } from '../metrics/bottleneck.js';
import { REPORT_FILE } from '../results/run-folder.js';
import { BOOTSTRAP_DEFAULTS } from '../stats/bootstrap.js';
import { RUN_OPTIONS, SCHEDULE_LIMITS } from './run-options.js';

/*
 * The flags of the commands beside run and sim, without their handlers: main.ts reads every command's
 * flags before it knows which command runs (to attach dash values, check numbers, suggest a mistyped
 * flag), and imports a command's code only when that command runs. A `sim` child or a mistyped flag
 * then starts without the run engine, the leaderboard's charts or the comparison's statistics.
 */

export const ENDPOINTS_OPTIONS: Record<string, Options> = {
  endpoints: { type: 'string', group: 'Endpoint:', describe: 'YAML list of endpoints ({name, url, api, model, api_key_env?, headers?, params?}): the workload runs against each in turn, into <results-dir>/<name>/<workload>/<run-id>/' },
  only: { type: 'string', group: 'Endpoint:', describe: 'With --endpoints: comma-separated names of the endpoints to run (default: all)' },
};

const SEARCH = 'Capacity search:';
/** Steps of a capacity search unless --max-steps says otherwise (fewer when more would pass what one process sends). */
export const DEFAULT_MAX_STEPS = 12;

/**
 * The run flags minus what the search sets for each step (an open-loop rate and duration), the other
 * arrival modes, and what has no meaning for a sequence of steps (sharding, a fixed start instant, --json).
 */
const NOT_FOR_STEPS = ['rate', 'duration', 'ramp', 'start-rate', 'concurrency', 'max-requests', 'timeout', 'json', 'dry-run', 'shard', 'shards', 'start-at'];
const STEP_OPTIONS = Object.fromEntries(Object.entries(RUN_OPTIONS).filter(([k]) => !NOT_FOR_STEPS.includes(k)));

export const CAPACITY_OPTIONS: Record<string, Options> = {
  from: { type: 'number', group: SEARCH, default: 1, describe: 'First arrival rate tried (req/s); each next step multiplies it by --factor until one fails' },
  factor: { type: 'number', group: SEARCH, default: 2, describe: 'Growth between steps before the first failure (> 1)' },
  precision: { type: 'string', group: SEARCH, default: '10%', describe: "Stop bisecting when the failing and passing rates are this close: '10%' (of the passing rate) or '2' (req/s)" },
  'step-duration': { type: 'string', group: SEARCH, default: '60s', describe: 'How long each step fires arrivals (a step that clearly fails stops earlier)' },
  'max-steps': { type: 'number', group: SEARCH, describe: `Most steps run in all (default ${DEFAULT_MAX_STEPS}, or as many as stay within the ${SCHEDULE_LIMITS.ratePerProcess} req/s one process can send)` },
  'max-send-lag': { type: 'string', group: SEARCH, default: `${BOTTLENECK.sendLagP99Ms}ms`, describe: 'Send lag p99 above which a failing step is blamed on the load generator, not the endpoint' },
  ...STEP_OPTIONS,
  slo: { ...STEP_OPTIONS.slo, describe: `Required (here or as the --workload file's slo key): the objectives every rate is judged by. ${String(STEP_OPTIONS.slo.describe)}` },
  json: { type: 'boolean', group: 'Output:', default: false, describe: 'Print capacity.json to stdout instead of the table' },
};

export const MERGE_OPTIONS: Record<string, Options> = {
  out: { type: 'string', demandOption: true, describe: 'New run folder to write (must not exist, or be empty)' },
  json: { type: 'boolean', default: false, describe: 'Print the merged summary.json to stdout instead of the table' },
};

export const LEADERBOARD_OPTIONS: Record<string, Options> = {
  results: { type: 'string', alias: 'results-dir', default: './results', describe: 'Results folder to read (run folders at any depth below it); --results-dir, as the other commands call it, works too' },
  all: { type: 'boolean', default: false, describe: 'One row per run, every run (default: the latest run per endpoint and workload)' },
  latest: { type: 'boolean', default: true, describe: 'The latest run per endpoint and workload (the default; --all overrides)' },
  template: { type: 'string', describe: 'Markdown template with {{placeholders}} (default: the shipped leaderboard_data/template.md)' },
  out: { type: 'string', default: 'leaderboard_data/README.md', describe: 'Where the rendered Markdown is written' },
  inject: { type: 'string', describe: 'Also replace the text between the lines <!-- leaderboard:start --> and <!-- leaderboard:end --> (outside code) in this file' },
  charts: { type: 'boolean', default: true, describe: 'Draw the charts and link them (--no-charts: Markdown only, no image links)' },
  'charts-dir': { type: 'string', describe: 'Where the charts are written (default: the folder of --out); links are relative to each Markdown file' },
  'min-requests': { type: 'number', default: MIN_REQUESTS, describe: 'Rows of runs with fewer completed requests are marked [L] (LLMPerf ran 150 per endpoint)' },
  json: { type: 'boolean', default: false, describe: 'Print what was written (page, charts, the runs ranked) as JSON on stdout' },
};

export const REPORT_OPTIONS: Record<string, Options> = {
  out: { type: 'string', describe: `Where to write: with one run, the file; with several, a folder (one <run id>.html each). Default: ${REPORT_FILE} inside each run folder` },
};

export const COMPARE_OPTIONS: Record<string, Options> = {
  'fail-on-regression': { type: 'string', describe: "Exit 3 when a significant change crosses a rule, e.g. 'ttft_p99>10%,itl_p50>5ms,output_tps_p50<-10%'" },
  out: { type: 'string', default: 'compare', describe: 'Folder for compare.json and compare.html' },
  force: { type: 'boolean', default: false, describe: 'Compare runs whose workloads differ (listed as warnings) instead of refusing' },
  resamples: { type: 'number', default: BOOTSTRAP_DEFAULTS.resamples, describe: 'Bootstrap resamples per interval' },
  seed: { type: 'number', default: BOOTSTRAP_DEFAULTS.seed, describe: 'Seed of the bootstrap (same runs + seed = same intervals)' },
};
