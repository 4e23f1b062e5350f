import type { Conversation, Turn } from '../types.js';

/** A message of any format, reduced to who spoke and what. */
export interface Said {
  role: 'system' | 'user' | 'assistant';
  text: string;
}

/**
 * Messages in order -> a conversation: an optional leading system message, then user / assistant
 * exchanges. Consecutive messages of one speaker are joined with a blank line (ShareGPT has such runs);
 * a conversation that opens with the assistant loses that opening (there is nothing to ask it with).
 */
export function toConversation(messages: Said[], outputTokens: number | null = null): Conversation | null {
  let i = 0;
  let system: string | null = null;
  if (messages[0]?.role === 'system') system = messages[i++].text;
  while (i < messages.length && messages[i].role === 'assistant') i++;
  const turns: Turn[] = [];
  for (; i < messages.length; i++) {
    const m = messages[i];
    const last = turns[turns.length - 1];
    if (m.role === 'user') {
      if (last && last.assistant === null) last.user += `\n\n${m.text}`;
      else turns.push({ user: m.text, assistant: null });
    } else if (m.role === 'assistant') {
      last.assistant = last.assistant === null ? m.text : `${last.assistant}\n\n${m.text}`;
    }
  }
  return turns.length ? { system, turns, outputTokens } : null;
}
