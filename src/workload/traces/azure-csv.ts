import type { TraceFormat, TraceRequest } from './types.js';

const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';
const STAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/** `2023-11-16 18:15:46.6805900` (UTC, up to 7 fractional digits) -> epoch ms with the fraction kept. */
export function azureTimestampMs(s: string): number | null {
  const m = STAMP.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac] = m;
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  return Number.isNaN(whole) ? null : whole + (frac ? Number(`0.${frac}`) * 1000 : 0);
}

/**
 * The Azure LLM inference trace (Azure/AzurePublicDataset, AzureLLMInferenceDataset2023 and 2024:
 * `AzureLLMInferenceTrace_code.csv`, `_conv.csv`): a header `TIMESTAMP,ContextTokens,GeneratedTokens`, then
 * one request per line with its arrival time and token counts. The prompts' contents are not published:
 * each request gets a prompt of its own of exactly ContextTokens tokens.
 */
export const azureCsv: TraceFormat = {
  name: 'azure',
  source: 'Azure LLM inference trace (Azure/AzurePublicDataset, AzureLLMInferenceDataset2023/2024): CSV of TIMESTAMP, ContextTokens, GeneratedTokens',
  detect: (first) => first.replace(/\s/g, '').toLowerCase().startsWith(HEADER.toLowerCase()),
  read(lines, p) {
    const out: TraceRequest[] = [];
    let header: string[] | null = null;
    for (const { line, value } of lines) {
      const cells = value.split(',').map((c) => c.trim());
      if (!header) {
        header = cells;
        if (header.slice(0, 3).join(',') !== HEADER) p.at(line, `the header must start with ${HEADER}, got ${value.slice(0, 80)}`);
        continue;
      }
      const at = azureTimestampMs(cells[0] ?? '');
      const context = Number(cells[1]);
      const generated = Number(cells[2]);
      if (at === null) p.at(line, `TIMESTAMP must look like 2023-11-16 18:15:46.6805900, got '${(cells[0] ?? '').slice(0, 40)}'`);
      else if (!Number.isInteger(context) || context < 1) p.at(line, `ContextTokens must be an integer > 0, got '${cells[1] ?? ''}'`);
      else if (!Number.isInteger(generated) || generated < 1) p.at(line, `GeneratedTokens must be an integer > 0, got '${cells[2] ?? ''}'`);
      else out.push({ atMs: at, line, input: { kind: 'tokens', tokens: context, hashIds: null }, maxTokens: generated, session: null });
      if (p.full) break;
    }
    return out;
  },
};
