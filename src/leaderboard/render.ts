import { stringify } from 'yaml';
import { sharedWorkload, workloadKey, type SavedRun } from '../results/read-runs.js';
import { groupRuns, workloadLabel } from './groups.js';
import { metricTable, metricTables, successTable } from './tables.js';
import { fillTemplate, type Filled } from './template.js';

export interface RenderOptions {
  /** Every run (several per endpoint), rather than the latest per endpoint + workload. */
  all: boolean;
  /** The instant printed as {{last_update}}: the only part of the output that changes between renders. */
  now: Date;
}

/** Every placeholder a template may use. */
export const PLACEHOLDER_NAMES = ['last_update', 'run_config', ...metricTables([]).map((t) => t.placeholder), 'Success_rate_table'];

/** Every placeholder's value for these runs. */
export function placeholderValues(runs: readonly SavedRun[], o: RenderOptions): Record<string, string> {
  const groups = groupRuns(runs);
  const values: Record<string, string> = {
    last_update: `${o.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    run_config: runConfig(runs),
  };
  for (const t of metricTables(runs)) values[t.placeholder] = metricTable(t, groups, o.all);
  values.Success_rate_table = successTable(groups, o.all);
  return values;
}

export function renderLeaderboard(template: string, runs: readonly SavedRun[], o: RenderOptions): Filled {
  return fillTemplate(template, placeholderValues(runs, o));
}

/**
 * The workload(s) behind the runs, as YAML, without the per-endpoint keys (api, sampling_params); each
 * headed by a comment naming it when it came from a file or when there are several.
 */
function runConfig(runs: readonly SavedRun[]): string {
  const byKey = new Map(runs.map((r) => [workloadKey(r.summary), r.summary]));
  const entries = [...byKey.values()].map((s) => ({ label: workloadLabel(s), file: typeof s.workload?.file === 'string', yaml: stringify(sharedWorkload(s)).trimEnd() }));
  const named = entries.length > 1 || entries[0]?.file;
  return entries.sort((a, b) => a.label.localeCompare(b.label)).map((e) => (named ? `# ${e.label}\n${e.yaml}` : e.yaml)).join('\n\n');
}
