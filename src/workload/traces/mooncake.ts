import { HASH_BLOCK_TOKENS, type TraceFormat, type TraceRequest } from './types.js';
import { isCount, isTime, jsonObjects } from './json-line.js';

const EXAMPLE = '{"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, ...]}';

/**
 * Mooncake's trace (FAST '25, kvcache-ai/Mooncake, `mooncake_trace.jsonl`): `timestamp` in ms,
 * `input_length` and `output_length` in tokens, and `hash_ids`, one per 512-token block of the prompt
 * (the last block may be partial): requests with the same leading ids share those blocks' tokens.
 */
export const mooncake: TraceFormat = {
  name: 'mooncake',
  source: 'Mooncake (kvcache-ai/Mooncake, FAST25-release/traces): JSON lines of timestamp (ms), input_length, output_length, hash_ids (512-token blocks)',
  detect: (first) => first.includes('"hash_ids"') || (first.includes('"input_length"') && first.includes('"timestamp"')),
  read(lines, p) {
    const out: TraceRequest[] = [];
    for (const { line, value: o } of jsonObjects(lines, p, EXAMPLE)) {
      const why = problem(o);
      if (why) {
        p.at(line, `${why}; write ${EXAMPLE}`);
        continue;
      }
      const ids = (o.hash_ids as number[] | undefined) ?? null;
      out.push({ atMs: o.timestamp as number, line, input: { kind: 'tokens', tokens: o.input_length as number, hashIds: ids }, maxTokens: o.output_length as number, session: null });
    }
    return out;
  },
};

function problem(o: Record<string, unknown>): string | null {
  if (!isTime(o.timestamp)) return `"timestamp" must be a number of ms >= 0, got ${JSON.stringify(o.timestamp)}`;
  if (!isCount(o.input_length)) return `"input_length" must be an integer > 0, got ${JSON.stringify(o.input_length)}`;
  if (!isCount(o.output_length)) return `"output_length" must be an integer > 0, got ${JSON.stringify(o.output_length)}`;
  const ids = o.hash_ids;
  if (ids === undefined) return null;
  if (!Array.isArray(ids) || !ids.every((h) => isCount(h, 0))) return '"hash_ids" must be a list of integers >= 0';
  const blocks = Math.ceil((o.input_length as number) / HASH_BLOCK_TOKENS);
  if (ids.length !== blocks) return `input_length ${o.input_length as number} is ${blocks} block(s) of ${HASH_BLOCK_TOKENS} tokens, but hash_ids has ${ids.length}`;
  return null;
}
