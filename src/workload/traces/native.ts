import type { ChatMessage } from '../../tokenize/chat-template.js';
import { isCount, isTime, jsonObjects } from './json-line.js';
import type { TraceFormat, TraceInput, TraceRequest } from './types.js';

const EXAMPLE = '{"offset_ms": 1500, "prompt": "..." | "messages": [...] | "input_tokens": 800, "max_tokens": 128, "session": "s1"} (max_tokens and session optional)';

/**
 * This tool's own trace: JSON lines of `offset_ms` plus what to send: a `prompt`, chat `messages`, or
 * `input_tokens` (a prompt of exactly that many tokens); optional `max_tokens` and `session` (the lines
 * of one session are its turns, replayed as one conversation: `traces/sessions.ts`).
 */
export const nativeTrace: TraceFormat = {
  name: 'auto-testing',
  source: "auto-testing's own JSON lines: offset_ms plus prompt, messages or input_tokens; optional max_tokens, session",
  detect: (first) => first.includes('"offset_ms"'),
  read(lines, p) {
    const out: TraceRequest[] = [];
    for (const { line, value: o } of jsonObjects(lines, p, EXAMPLE)) {
      const r = parse(o);
      if (typeof r === 'string') p.at(line, `${r}; write ${EXAMPLE}`);
      else out.push({ ...r, line });
    }
    return out;
  },
};

function parse(o: Record<string, unknown>): Omit<TraceRequest, 'line'> | string {
  if (!isTime(o.offset_ms)) return `"offset_ms" must be a number >= 0, got ${JSON.stringify(o.offset_ms)}`;
  const input = inputOf(o);
  if (typeof input === 'string') return input;
  if (o.max_tokens !== undefined && !isCount(o.max_tokens)) return `"max_tokens" must be an integer > 0, got ${JSON.stringify(o.max_tokens)}`;
  if (o.session !== undefined && typeof o.session !== 'string' && !Number.isInteger(o.session)) return `"session" must be a string or an integer, got ${JSON.stringify(o.session)}`;
  return { atMs: o.offset_ms, input, maxTokens: (o.max_tokens as number | undefined) ?? null, session: o.session === undefined ? null : String(o.session) };
}

function inputOf(o: Record<string, unknown>): TraceInput | string {
  const given = ['prompt', 'messages', 'input_tokens'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) return `give exactly one of "prompt", "messages", "input_tokens"${given.length ? ` (got ${given.join(', ')})` : ''}`;
  if (o.prompt !== undefined) return typeof o.prompt === 'string' && o.prompt !== '' ? { kind: 'prompt', prompt: o.prompt } : '"prompt" must be a non-empty string';
  if (o.input_tokens !== undefined) return isCount(o.input_tokens) ? { kind: 'tokens', tokens: o.input_tokens, hashIds: null } : `"input_tokens" must be an integer > 0, got ${JSON.stringify(o.input_tokens)}`;
  const m = o.messages;
  const ok = Array.isArray(m) && m.length > 0 && m.every((x) => ['system', 'user', 'assistant'].includes(x?.role) && typeof x.content === 'string');
  return ok ? { kind: 'messages', messages: (m as ChatMessage[]).map((x) => ({ role: x.role, content: x.content })) } : '"messages" must be a non-empty list of {"role": "system"|"user"|"assistant", "content": "..."}';
}
