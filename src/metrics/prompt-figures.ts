import type { PromptFigures } from './summary.js';

/** Several workers' (or shards') prompt figures as one: counts and times added, maxima kept; null when none has any. */
export function addPromptFigures(all: readonly (PromptFigures | undefined)[]): PromptFigures | null {
  const some = all.filter((f): f is PromptFigures => f !== undefined);
  if (some.length === 0) return null;
  const sum = (k: 'built' | 'built_before_t0' | 'late' | 'build_ms') => some.reduce((a, f) => a + f[k], 0);
  return {
    look_ahead_ms: some[0].look_ahead_ms,
    built: sum('built'),
    built_before_t0: sum('built_before_t0'),
    late: sum('late'),
    late_build_ms: { total: some.reduce((a, f) => a + f.late_build_ms.total, 0), max: Math.max(...some.map((f) => f.late_build_ms.max)) },
    build_ms: sum('build_ms'),
    held_max: Math.max(...some.map((f) => f.held_max)),
  };
}

/** The summary's `client.prompts`, absent (not null) when no worker or shard reported any (runs before schema 4). */
export function promptsEntry(p: PromptFigures | null): { prompts?: PromptFigures } {
  return p ? { prompts: p } : {};
}

/** The warning a run gets when its prompts were not ready in time: how many, and what it cost their sends. */
export function promptWarning(p: PromptFigures | undefined): string | null {
  if (!p || p.late === 0) return null;
  const share = p.built ? ` (${((100 * p.late) / p.built).toFixed(1)} %)` : '';
  return (
    `GENERATOR PROMPTS LATE: ${p.late} of ${p.built} prompts${share} were built after their arrival fell due; ` +
    `building added up to ${p.late_build_ms.max.toFixed(2)} ms to a send (${p.late_build_ms.total.toFixed(0)} ms in all) and is part of send lag: ` +
    'the prompt builder could not keep up with the schedule; add --workers or machines, or shorten the prompts'
  );
}
