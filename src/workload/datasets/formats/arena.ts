import type { DatasetFormat } from '../types.js';
import { toConversation, type Said } from './conversation.js';

/** A Parquet INT64 arrives as a bigint: read it as the number it holds. */
function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Why a field the schema names has the wrong type, or null; absent fields are let through. */
function fieldProblem(r: Record<string, unknown>): string | null {
  const turn = plain(r.turn);
  const tstamp = plain(r.tstamp);
  if (typeof r.question_id !== 'string' || r.question_id === '') return `"question_id" must be a non-empty string, got ${JSON.stringify(plain(r.question_id)) ?? 'nothing'}`;
  if (turn !== undefined && turn !== null && !(Number.isInteger(turn) && (turn as number) >= 1)) return `"turn" must be an integer >= 1, got ${JSON.stringify(turn)}`;
  if (tstamp !== undefined && tstamp !== null && typeof tstamp !== 'number') return `"tstamp" must be a number (seconds since 1970), got ${JSON.stringify(tstamp)}`;
  return null;
}

/**
 * The LMSYS Chatbot Arena conversations schema (`lmsys/chatbot_arena_conversations`): `question_id`,
 * `conversation_a` as a list of `{role, content}`, `turn`, `tstamp`; the other fields (models, winner,
 * `conversation_b`, moderation) are ignored. The seed's rule: every user message of `conversation_a` is a
 * prompt of its own, sent as a single-turn chat with the run's max_tokens, no length filter.
 */
export const chatbotArena: DatasetFormat = {
  name: 'arena',
  example: '{"question_id": "...", "conversation_a": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}], "turn": 1, "tstamp": 1682351591.1} (Chatbot Arena conversations: a JSON array, JSON lines or Parquet)',
  fields: ['question_id', 'conversation_a', 'turn', 'tstamp'],
  rule: { prompts: 'every-user-message', lengthRules: false },
  detect: (r) => Array.isArray(r.conversation_a),
  parse(r) {
    const list = r.conversation_a;
    if (!Array.isArray(list)) return '"conversation_a" must be a list of {"role": "user"|"assistant", "content": "..."}';
    const problem = fieldProblem(r);
    if (problem) return problem;
    const said: Said[] = [];
    for (const [i, m] of list.entries()) {
      if (m?.role !== 'user' && m?.role !== 'assistant') return `conversation_a[${i}].role must be user or assistant, got ${JSON.stringify(m?.role) ?? 'nothing'}`;
      if (typeof m.content !== 'string') return `conversation_a[${i}].content must be a string`;
      said.push({ role: m.role, text: m.content });
    }
    return toConversation(said) ?? 'conversation_a holds no user message';
  },
};
