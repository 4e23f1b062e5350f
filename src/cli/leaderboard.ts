import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { svgToPng } from '../charts/png.js';
import { PACKAGE_DIR } from '../engine/tool.js';
import { injectBetweenMarkers } from '../leaderboard/inject.js';
import { leaderboardCharts, PLACEHOLDER_NAMES, renderLeaderboard, type LeaderboardData, type RenderOptions } from '../leaderboard/render.js';
import { findSweeps } from '../leaderboard/sweeps.js';
import { findCapacityStepFolders, findRunFolders, latestPerEndpoint, readRun, type SavedRun } from '../results/read-runs.js';
import { num, text, type CliArgs } from './args.js';
import { usageError } from './usage-error.js';

/** A link from the folder `fromDir` to `file`, with `/` separators and each segment URL-encoded. */
export function relativeLink(fromDir: string, file: string): string {
  return relative(fromDir, file).split(sep).map(encodeURIComponent).join('/');
}

/**
 * `auto-testing leaderboard`: saved results -> Markdown and charts; never touches the network. Exit 2 on
 * bad input, and then nothing is written: the render, the charts and the inject target are all checked
 * before the first write.
 */
export async function leaderboardCommand(argv: CliArgs): Promise<number> {
  const root = String(argv.results);
  const templateFile = text(argv, 'template') ?? join(PACKAGE_DIR, 'leaderboard_data', 'template.md');
  const minRequests = num(argv, 'minRequests') ?? NaN;
  const problems: string[] = [];
  if (!existsSync(templateFile)) problems.push(`--template: '${templateFile}' does not exist; give a Markdown file with {{placeholders}}`);
  if (!(Number.isInteger(minRequests) && minRequests >= 1)) problems.push(`--min-requests: must be a whole number >= 1, got '${String(argv.minRequests)}'`);
  const folders = findRunFolders(root);
  if (!folders.length) problems.push(`--results: no run folder (with a summary.json) under '${root}'; run a load test first or point --results elsewhere`);
  if (problems.length) return usageError(problems);

  // a shard of N > 1 carries a fraction of the load: only the merged run stands for it
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const single = (r: SavedRun) => (r.summary.shard?.count ?? 1) === 1;
  const runs = folders.flatMap((f) => readable(root, f, log)).filter(single);
  if (!runs.length) return usageError([`--results: no readable single (unsharded or merged) run under '${root}'`]);
  const chosen = argv.all ? runs : latestPerEndpoint(runs);
  const steps = findCapacityStepFolders(root).flatMap((f) => readable(root, f, log));
  const data: LeaderboardData = { runs: chosen, sweeps: findSweeps([...chosen, ...steps]) };

  const all = Boolean(argv.all);
  const out = String(argv.out);
  const chartsDir = resolve(text(argv, 'chartsDir') ?? dirname(out));
  const charts = argv.charts !== false ? leaderboardCharts(data, { all, minRequests }) : null;
  const options = (markdownFile: string): RenderOptions => ({
    all, minRequests, chartLink: charts && ((file) => relativeLink(dirname(resolve(markdownFile)), join(chartsDir, file))),
  });
  const template = readFileSync(templateFile, 'utf8');
  const filled = renderLeaderboard(template, data, options(out));
  if (filled.unknown.length) return usageError(filled.unknown.map((p) => `--template: unknown placeholder {{${p}}} in '${templateFile}'; known: ${PLACEHOLDER_NAMES.join(', ')}`));
  const inject = text(argv, 'inject') ?? null;
  const injected = inject === null ? null : injectInto(inject, renderLeaderboard(template, data, options(inject)).text);
  if (injected && 'problem' in injected) return usageError([`--inject: '${inject}' ${injected.problem}`]);

  for (const m of filled.missing) log(`auto-testing leaderboard: warning: the template has no {{${m}}}; that part is left out`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, filled.text);
  log(`auto-testing leaderboard: ${chosen.length} run(s) from '${root}' -> ${out}`);
  if (charts) await writeCharts(charts, chartsDir, log);
  if (inject && injected) {
    writeFileSync(inject, injected.text);
    log(`auto-testing leaderboard: injected into ${inject}`);
  }
  if (argv.json) {
    const listed = chosen.map((r) => ({ folder: r.folder, endpoint: r.summary.endpoint.name, model: r.summary.endpoint.model, run_id: r.summary.run.id, started_at: r.summary.run.started_at }));
    process.stdout.write(`${JSON.stringify({ out, charts: (charts ?? []).map((c) => join(chartsDir, c.file)), injected: inject, runs: listed }, null, 2)}\n`);
  }
  return 0;
}

/** `file` with `text` between its markers, or why it cannot be done. */
function injectInto(file: string, text: string): { text: string } | { problem: string } {
  if (!existsSync(file)) return { problem: 'does not exist; create it with the two marker lines where the leaderboard goes' };
  return injectBetweenMarkers(readFileSync(file, 'utf8'), text);
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

async function writeCharts(charts: readonly { file: string; svg: string }[], dir: string, log: (line: string) => void): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const c of charts) writeFileSync(join(dir, c.file), await svgToPng(c.svg));
  log(`auto-testing leaderboard: ${charts.length} chart(s) -> ${dir}`);
}
