import type { DatasetFormat } from '../types.js';
import { toConversation, type Said } from './conversation.js';

/** Text of an OpenAI message's content: a string, or the text parts of a list of content parts. */
function contentText(c: unknown): string | null {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return null;
  const parts = c.filter((p) => p?.type === 'text' && typeof p.text === 'string').map((p) => p.text as string);
  return parts.length ? parts.join('\n') : null;
}

/**
 * OpenAI chat JSONL (fine-tuning and batch files): `{"messages": [{"role": ..., "content": ...}]}` per
 * line. Tool and function messages are left out; developer messages count as system.
 */
export const openAiMessages: DatasetFormat = {
  name: 'messages',
  example: '{"messages": [{"role": "system"|"user"|"assistant", "content": "..."}]} per line',
  fields: ['messages'],
  rule: { prompts: 'first-user-message', lengthRules: true },
  detect: (r) => Array.isArray(r.messages),
  parse(r) {
    if (!Array.isArray(r.messages)) return '"messages" must be a list of {"role": ..., "content": ...}';
    const said: Said[] = [];
    for (const [i, m] of r.messages.entries()) {
      const role = m?.role === 'developer' ? 'system' : m?.role;
      if (role === 'tool' || role === 'function') continue;
      if (role !== 'system' && role !== 'user' && role !== 'assistant') return `messages[${i}].role must be system, user or assistant, got ${JSON.stringify(m?.role)}`;
      const text = contentText(m.content);
      if (text === null) return `messages[${i}].content must be a string or a list of text parts`;
      said.push({ role, text });
    }
    return toConversation(said) ?? 'no user message';
  },
};
