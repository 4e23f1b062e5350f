import type { RequestRecord } from '../metrics/record.js';
import { escapeControls } from '../transport/redact.js';
import type { Question } from '../workload/number-questions.js';

export interface CorrectnessReport {
  /** Completed requests whose answer was checked (warm-up ones excluded). */
  checked: number;
  mismatched: number;
  /** mismatched / checked (LLMPerf's mismatch rate). */
  mismatch_rate: number | null;
  /** Up to `MAX_EXAMPLES` failing answers, to see what the model said. */
  examples: { id: number; expected: number; prompt: string; answer: string }[];
}

export const MAX_EXAMPLES = 10;
const ANSWER_CHARS = 200;

/** LLMPerf's check: the digits appear in the answer (thousands separators ignored). */
export function answeredCorrectly(expected: number, answer: string): boolean {
  return answer.replace(/(\d),(?=\d{3}\b)/g, '$1').includes(String(expected));
}

/** Checks each completed request's answer as its batch arrives; `report()` at the end. */
export class CorrectnessChecker {
  readonly #question: (id: number) => Question;
  #checked = 0;
  #mismatched = 0;
  readonly #examples: CorrectnessReport['examples'] = [];

  constructor(question: (id: number) => Question) {
    this.#question = question;
  }

  add(records: readonly RequestRecord[], texts: readonly (string | null)[]): void {
    records.forEach((r, i) => {
      const text = texts[i];
      if (r.outcome !== 'completed' || r.warmup || text === null) return;
      this.#checked++;
      const q = this.#question(r.id);
      if (answeredCorrectly(q.number, text)) return;
      this.#mismatched++;
      if (this.#examples.length < MAX_EXAMPLES) this.#examples.push({ id: r.id, expected: q.number, prompt: q.prompt, answer: escapeControls(text).slice(0, ANSWER_CHARS) });
    });
  }

  report(): CorrectnessReport {
    const c = this.#checked;
    return { checked: c, mismatched: this.#mismatched, mismatch_rate: c ? this.#mismatched / c : null, examples: [...this.#examples] };
  }
}

export function renderCorrectness(r: CorrectnessReport): string {
  const rate = r.mismatch_rate === null ? 'n/a' : `${(r.mismatch_rate * 100).toFixed(2)}%`;
  const lines = [`correctness  checked ${r.checked}  mismatched ${r.mismatched}  mismatch rate ${rate}`];
  for (const e of r.examples) lines.push(`  #${e.id}: expected ${e.expected}, answered ${JSON.stringify(e.answer.slice(0, 80))}`);
  return lines.join('\n');
}
