import { loadChatTemplate, type ChatTemplate } from '../tokenize/chat-template.js';
import { findTokenizerFiles } from '../tokenize/hf-tokenizer.js';
import { LineMemoEncoder } from '../tokenize/line-memo.js';
import { isBuiltinTokenizer, loadTokenizer, type TokenizerName } from '../tokenize/tokenizers.js';
import type { SimRequest } from './formats/types.js';
import { blockHashes, charTokenIds } from './prefix-cache.js';
import { estimateTokens } from './text.js';

/** What the simulator makes of a request's prompt: the count it reports, and its cache block names. */
export interface ReadPrompt {
  tokens: number;
  blocks: number[];
}

/**
 * Reads prompts as a server does: chat messages rendered with the chat template (when one is set),
 * then tokenized; the ids give the prefix-cache block names. Without a tokenizer the count is about 4
 * characters a token and the blocks are made of 4-character pieces.
 */
export async function promptReader(tokenizer: TokenizerName, templateSpec: string, blockTokens: number): Promise<(r: SimRequest) => ReadPrompt> {
  const template = templateSpec ? await simTemplate(templateSpec, tokenizer) : null;
  const text = (r: SimRequest) => (template && r.messages ? template.render(r.messages) : r.prompt);
  if (tokenizer === 'none') {
    return (r) => {
      const t = text(r);
      return { tokens: estimateTokens(t), blocks: blockHashes(charTokenIds(t), blockTokens) };
    };
  }
  // synthesized prompts and chat histories repeat lines: encoded by their new lines only, a 1,024-token
  // llama2 prompt costs ~0.4 ms instead of ~9 ms, so the simulator keeps up with the client's schedule
  const tok = new LineMemoEncoder(await loadTokenizer(tokenizer));
  return (r) => {
    const ids = tok.encode(text(r));
    return { tokens: Math.max(1, ids.length), blocks: blockHashes(ids, blockTokens) };
  };
}

async function simTemplate(spec: string, tokenizer: TokenizerName): Promise<ChatTemplate> {
  const files = isBuiltinTokenizer(tokenizer) ? null : findTokenizerFiles(tokenizer);
  const t = await loadChatTemplate(spec, files && typeof files !== 'string' ? files.tokenizerJson : null);
  if (typeof t === 'string') throw new Error(`simulator --chat-template: ${t}`);
  return t;
}
