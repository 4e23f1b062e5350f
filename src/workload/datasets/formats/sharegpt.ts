import type { DatasetFormat } from '../types.js';
import { toConversation, type Said } from './conversation.js';

const ROLES: Record<string, Said['role']> = { human: 'user', user: 'user', gpt: 'assistant', chatgpt: 'assistant', bard: 'assistant', bing: 'assistant', assistant: 'assistant', system: 'system' };

/**
 * ShareGPT (`ShareGPT_V3_unfiltered_cleaned_split.json`, the file vLLM's bench reads): a JSON array of
 * `{"id", "conversations": [{"from": "human"|"gpt", "value": "..."}]}`. As in vLLM's bench, a conversation
 * of fewer than two messages is skipped.
 */
export const shareGpt: DatasetFormat = {
  name: 'sharegpt',
  example: '{"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", "value": "..."}]} (a JSON array, or one per line)',
  fields: ['id', 'conversations'],
  rule: { prompts: 'first-user-message', lengthRules: true },
  detect: (r) => Array.isArray(r.conversations),
  parse(r) {
    const list = r.conversations;
    if (!Array.isArray(list)) return '"conversations" must be a list of {"from": ..., "value": ...}';
    const said: Said[] = [];
    for (const [i, m] of list.entries()) {
      const role = ROLES[String(m?.from).toLowerCase()];
      if (!role) return `conversations[${i}].from must be human or gpt, got ${JSON.stringify(m?.from)}`;
      if (typeof m.value !== 'string') return `conversations[${i}].value must be a string`;
      said.push({ role, text: m.value });
    }
    if (said.length < 2) return null;
    return toConversation(said);
  },
};
