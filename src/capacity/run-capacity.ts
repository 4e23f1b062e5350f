import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import type { Interrupts } from '../engine/interrupts.js';
import { runLoad } from '../engine/run-load.js';
import type { LiveStatus } from '../metrics/progress.js';
import { TOOL } from '../engine/tool.js';
import type { RunSummary } from '../metrics/summary.js';
import { writeAtomic } from '../results/run-folder.js';
import { EARLY_STOP, QueueWatch, type EarlyStop } from './early-stop.js';
import { nextRate, rateBracket, type CapacityPlan, type SearchEnd } from './search.js';
import { stepResult, type StepResult } from './step.js';

export interface CapacityConfig {
  /** Every step runs this configuration with its own rate, `stepMs` as duration and a folder of its own. */
  base: RunConfig;
  plan: CapacityPlan;
  stepMs: number;
  maxSendLagMs: number;
  /** The capacity folder: capacity.json and one `step-NN-<rate>rps/` results folder per step. */
  folder: string;
}

export interface CapacityIo {
  log(line: string): void;
  progress(s: LiveStatus): void;
  step(r: StepResult): void;
  /** The search's signal watch: a signal stops the step in progress (with the run's grace) and the search. */
  interrupts?: Interrupts;
}

/** capacity.json (schema_version 2: steps' sent_rps and completed_rps; readers ignore unknown keys). */
export interface CapacityReport {
  schema_version: 2;
  tool: { name: string; version: string };
  started_at: string;
  endpoint: RunSummary['endpoint'] | null;
  slo: string[];
  plan: CapacityPlan & { step_duration_s: number; max_send_lag_ms: number };
  early_stop_test: typeof EARLY_STOP;
  steps: StepResult[];
  /** Why the search ended; `interrupted` (a signal) / `failed` (a step failed, see its summary.json). */
  end: SearchEnd | 'interrupted' | 'failed' | 'running';
  /** The signal, or the failed step's status_reason; null otherwise. */
  end_reason: string | null;
  /** Highest passing rate (the knee) and lowest failing rate: the capacity lies between them. */
  knee: { rate: number | null; first_failing_rate: number | null };
  /** File name of the chart in the capacity folder, once drawn. */
  chart: string | null;
}

export const CAPACITY_FILE = 'capacity.json';
export const CHART_FILE = 'capacity.png';

export async function runCapacity(cfg: CapacityConfig, io: CapacityIo): Promise<CapacityReport> {
  mkdirSync(cfg.folder, { recursive: true });
  const report: CapacityReport = {
    schema_version: 2, tool: TOOL, started_at: new Date().toISOString(), endpoint: null, slo: cfg.base.slo.map((s) => s.text),
    plan: { ...cfg.plan, step_duration_s: cfg.stepMs / 1000, max_send_lag_ms: cfg.maxSendLagMs }, early_stop_test: EARLY_STOP,
    steps: [], end: 'running', end_reason: null, knee: { rate: null, first_failing_rate: null }, chart: null,
  };
  for (;;) {
    if (io.interrupts?.reason) {
      report.end = 'interrupted';
      report.end_reason = io.interrupts.reason;
      break;
    }
    const next = nextRate(cfg.plan, report.steps);
    if ('end' in next) {
      report.end = next.end;
      break;
    }
    const n = report.steps.length + 1;
    const name = `step-${String(n).padStart(2, '0')}-${next.rate}rps`;
    io.log(`capacity step ${n}: ${next.rate} req/s for ${cfg.stepMs / 1000} s -> ${join(cfg.folder, name)}`);
    const { summary, early } = await runStep({ ...cfg.base, rate: next.rate, durationMs: cfg.stepMs, resultsDir: cfg.folder, runId: name }, io);
    report.endpoint ??= summary.endpoint;
    if (summary.status === 'failed' || (summary.status === 'interrupted' && !early)) {
      report.end = summary.status;
      report.end_reason = summary.status_reason;
      break;
    }
    const r = stepResult(n, name, summary, early, cfg.maxSendLagMs);
    report.steps.push(r);
    io.step(r);
    save(cfg.folder, report);
  }
  const { pass, fail } = rateBracket(report.steps);
  report.knee = { rate: pass, first_failing_rate: fail };
  save(cfg.folder, report);
  return report;
}

/** One step through the run engine, with a live queue watch that stops it once it clearly fails. */
async function runStep(cfg: RunConfig, io: CapacityIo): Promise<{ summary: RunSummary; early: EarlyStop | null }> {
  const watch = new QueueWatch(cfg.durationMs);
  const stop = new AbortController();
  let early: EarlyStop | null = null;
  const progress = (s: LiveStatus) => {
    io.progress(s);
    if (early || s.elapsedMs >= s.totalMs) return;
    early = watch.sample(s);
    if (early) stop.abort(`stopped early by the capacity search at ${(early.atMs / 1000).toFixed(1)} s: ${early.reason}`);
  };
  const { summary } = await runLoad(cfg, { log: io.log, progress, records: (rs) => watch.records(rs), stop: stop.signal, interrupts: io.interrupts, step: true });
  return { summary, early };
}

export function save(folder: string, report: CapacityReport): void {
  writeAtomic(join(folder, CAPACITY_FILE), `${JSON.stringify(report, null, 2)}\n`);
}
