import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Options } from 'yargs';
import { PACKAGE_DIR } from '../engine/tool.js';
import { injectBetweenMarkers } from '../leaderboard/inject.js';
import { PLACEHOLDER_NAMES, renderLeaderboard } from '../leaderboard/render.js';
import { findRunFolders, latestPerEndpoint, readRun, type SavedRun } from '../results/read-runs.js';
import { svgToPng } from '../charts/png.js';
import { leaderboardCharts } from '../leaderboard/charts.js';
import { text, type CliArgs } from './args.js';
import { usageError } from './usage-error.js';

export const LEADERBOARD_OPTIONS: Record<string, Options> = {
  results: { type: 'string', default: './results', describe: 'Results folder to read (run folders at any depth below it)' },
  all: { type: 'boolean', default: false, describe: 'One row per run, every run (default: the latest run per endpoint and workload)' },
  latest: { type: 'boolean', default: true, describe: 'The latest run per endpoint and workload (the default; --all overrides)' },
  template: { type: 'string', describe: 'Markdown template with {{placeholders}} (default: the shipped leaderboard_data/template.md)' },
  out: { type: 'string', default: 'leaderboard_data/README.md', describe: 'Where the rendered Markdown is written' },
  inject: { type: 'string', describe: 'Also replace the text between <!-- leaderboard:start --> and <!-- leaderboard:end --> in this file' },
  charts: { type: 'boolean', default: true, describe: 'Write TTFT.png, TPOT.png and Total_TPS.png (--no-charts: Markdown only)' },
  'charts-dir': { type: 'string', describe: 'Where the charts are written (default: the folder of --out)' },
};

/** `auto-testing leaderboard`: saved results -> Markdown; never touches the network. Exit 2 on bad input. */
export async function leaderboardCommand(argv: CliArgs): Promise<number> {
  const root = String(argv.results);
  const templateFile = text(argv, 'template') ?? join(PACKAGE_DIR, 'leaderboard_data', 'template.md');
  const problems: string[] = [];
  if (!existsSync(templateFile)) problems.push(`--template: '${templateFile}' does not exist; give a Markdown file with {{placeholders}}`);
  const folders = findRunFolders(root);
  if (!folders.length) problems.push(`--results: no run folder (with a summary.json) under '${root}'; run a load test first or point --results elsewhere`);
  if (problems.length) return usageError(problems);

  // a shard of N > 1 carries a fraction of the load: only the merged run stands for it
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runs = folders.flatMap((f) => readable(root, f, log)).filter((r) => (r.summary.shard?.count ?? 1) === 1);
  if (!runs.length) return usageError([`--results: no readable single (unsharded or merged) run under '${root}'`]);
  const chosen = argv.all ? runs : latestPerEndpoint(runs);
  const filled = renderLeaderboard(readFileSync(templateFile, 'utf8'), chosen, { all: Boolean(argv.all), now: now() });
  if (filled.unknown.length) return usageError(filled.unknown.map((p) => `--template: unknown placeholder {{${p}}} in '${templateFile}'; known: ${PLACEHOLDER_NAMES.join(', ')}`));
  for (const m of filled.missing) log(`auto-testing leaderboard: warning: the template has no {{${m}}}; that table is left out`);

  const out = String(argv.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, filled.text);
  log(`auto-testing leaderboard: ${chosen.length} run(s) from '${root}' -> ${out}`);
  if (argv.charts !== false) await writeCharts(chosen, Boolean(argv.all), text(argv, 'chartsDir') ?? dirname(out), log);
  if (argv.inject) {
    const problem = injectInto(String(argv.inject), filled.text);
    if (problem) return usageError([`--inject: '${String(argv.inject)}' ${problem}`]);
    log(`auto-testing leaderboard: injected into ${String(argv.inject)}`);
  }
  return 0;
}

/** Rewrites `file` with `text` between its markers; why not, when it cannot. */
function injectInto(file: string, text: string): string | null {
  if (!existsSync(file)) return 'does not exist';
  const injected = injectBetweenMarkers(readFileSync(file, 'utf8'), text);
  if ('problem' in injected) return injected.problem;
  writeFileSync(file, injected.text);
  return null;
}

/** A folder that cannot be read (a half-written or foreign summary.json) is skipped with a warning. */
function readable(root: string, folder: string, log: (line: string) => void): SavedRun[] {
  try {
    return [readRun(root, folder)];
  } catch (e) {
    log(`auto-testing leaderboard: warning: skipping '${folder}': ${(e as Error).message.split('\n')[0]}`);
    return [];
  }
}

async function writeCharts(runs: SavedRun[], all: boolean, dir: string, log: (line: string) => void): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const c of leaderboardCharts(runs, all)) writeFileSync(join(dir, c.file), await svgToPng(c.svg));
  log(`auto-testing leaderboard: charts -> ${dir}`);
}

/** SOURCE_DATE_EPOCH (the reproducible-builds convention) pins {{last_update}}. */
function now(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}
