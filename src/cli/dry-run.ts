import type { RunConfig } from '../config/run-config.js';
import { datasetNotes } from '../engine/run-meta.js';
import { workerSettings } from '../engine/worker-settings.js';
import { protocolFor } from '../protocols/registry.js';
import { pacerFrom } from '../schedule/pacers.js';
import { redactor } from '../transport/redact.js';
import { RequestPlanner, type RequestPlan } from '../workload/request-plan.js';

/** Prompts examined for the statistics (they are a pure function of the index: any sample is the run's). */
const SAMPLE_PLANS = 1000;
/** Arrivals counted before giving up on an open-ended schedule. */
const MAX_ARRIVALS = 10_000_000;
/** Longest string value shown in the sample body. */
const SHOWN_CHARS = 400;

function stats(values: readonly number[]): string {
  if (!values.length) return 'n/a';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return `min ${Math.min(...values)}  mean ${mean.toFixed(1)}  max ${Math.max(...values)}`;
}

function schedule(cfg: RunConfig): { lines: string[]; count: number } {
  const c = cfg.closedLoop;
  if (c) return { lines: [`closed loop: ${c.concurrency} in flight until ${c.maxRequests ?? 'no limit on'} requests or ${c.timeoutMs / 1000} s`], count: c.maxRequests ?? c.concurrency };
  const pacer = pacerFrom(workerSettings(cfg, 'http://dry-run').pacer);
  const due: number[] = [];
  let count = 0;
  for (let t = pacer.dueMs(0); t !== null && count < MAX_ARRIVALS; t = pacer.dueMs(++count)) if (count < 5) due.push(t);
  const last = count ? pacer.dueMs(count - 1) : null;
  return {
    count,
    lines: [
      `open loop (${pacer.name}): ${count} arrivals${traceSessions(cfg)} over ${cfg.durationMs / 1000} s, ${(count / (cfg.durationMs / 1000)).toFixed(2)} req/s on average`,
      `  first due at ${due.map((t) => `${t.toFixed(1)}`).join(', ')} ms${last === null ? '' : `; last at ${last.toFixed(1)} ms`}`,
    ],
  };
}

/** A trace's sessions arrive once each, their later turns following the answers: say how many requests that makes. */
function traceSessions(cfg: RunConfig): string {
  const t = cfg.trace;
  const sessions = t?.items.filter((i) => i.session !== null).length ?? 0;
  return t && sessions ? ` (${sessions} of them sessions: ${t.requests} requests in all)` : '';
}

/** Long string values (the prompt) cut for display, with how much was left out. */
function shorten(value: unknown): unknown {
  if (typeof value === 'string') return value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}... (+${value.length - SHOWN_CHARS} chars)` : value;
  if (Array.isArray(value)) return value.map(shorten);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)]));
  return value;
}

/**
 * `--dry-run`: what the run would do, and nothing sent (no simulator started either): the schedule, the
 * prompts' statistics under the client tokenizer, and request 0 as it would go out, secrets hidden.
 */
export async function dryRun(cfg: RunConfig): Promise<string> {
  const url = cfg.endpoint ?? `http://127.0.0.1:PORT${protocolFor(cfg.api).basePath} (the built-in simulator)`;
  const s = workerSettings(cfg, cfg.endpoint ?? 'http://127.0.0.1');
  const { lines, count } = schedule(cfg);
  const planner = await RequestPlanner.create(s.prompt, s.maxTokens);
  const plans: RequestPlan[] = Array.from({ length: Math.max(1, Math.min(count, SAMPLE_PLANS)) }, (_, i) => planner.plan(i));
  const inputs = plans.flatMap((p) => (p.inputTokens === null ? [] : [p.inputTokens]));
  const apiKey = process.env[cfg.apiKeyEnv] || undefined;
  const first = plans[0];
  const req = protocolFor(cfg.api).request({ model: cfg.model, prompt: first.prompt, maxTokens: first.maxTokens, exactOutput: first.exact, stream: cfg.stream, params: cfg.params }, apiKey);
  let body: unknown = req.body;
  try {
    body = JSON.parse(req.body);
  } catch {
    // a body that is not JSON is shown as it is
  }
  const hide = redactor([apiKey, ...Object.values(cfg.headers)]);
  const headers = { ...req.headers, ...cfg.headers };
  return hide([
    `auto-testing --dry-run: nothing is sent`,
    `endpoint  ${url}  api ${cfg.api}  model ${cfg.model}`,
    ...lines,
    ...datasetNotes(cfg),
    `prompts (${plans.length} of ${count} examined)  input tokens${planner.tokenizer ? ` (${planner.tokenizer.name})` : ''}: ${stats(inputs)}  characters: ${stats(plans.map((p) => p.prompt.length))}  max_tokens: ${stats(plans.map((p) => p.maxTokens))}`,
    `request 0: POST ${url.split(' ')[0]}${req.path}`,
    ...Object.entries(headers).map(([k, v]) => `  ${k}: ${v}`),
    JSON.stringify(shorten(body), null, 2),
  ].join('\n'));
}
