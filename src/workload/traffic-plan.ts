import { loadChatTemplate, type ChatMessage, type ChatTemplate } from '../tokenize/chat-template.js';
import { findTokenizerFiles } from '../tokenize/hf-tokenizer.js';
import { LineMemoEncoder } from '../tokenize/line-memo.js';
import { isBuiltinTokenizer, type Tokenizer, type TokenizerName } from '../tokenize/tokenizers.js';
import { prefixGroup, sharedPrefixes, type PrefixSpec } from './shared-prefix.js';
import { TokenBlocks } from './traces/token-blocks.js';
import type { TraceInput } from './traces/types.js';

/** APIs that take one prompt text rather than chat messages. */
const TEXT_APIS = new Set(['openai-completions', 'tgi']);

export function isChatApi(api: string): boolean {
  return !TEXT_APIS.has(api);
}

/** What a request sends when the traffic shapes it: the text, the conversation, the client's count. */
export interface ShapedPrompt {
  prompt: string;
  /** The conversation chat APIs send (absent: one user message holding `prompt`). */
  messages?: ChatMessage[];
  inputTokens: number | null;
}

/**
 * Client-side counts of what a request sends, as the server counts them when it can: chat APIs with a
 * chat template count the rendered conversation (the template's tokens included); chat APIs without one
 * count each message's text; text APIs count the prompt.
 */
export class PromptCounter {
  readonly tokenizer: Tokenizer | null;
  readonly template: ChatTemplate | null;
  readonly chat: boolean;
  /** Rendered conversations repeat lines (the template's, the corpus's, earlier turns): encoded by their new lines. */
  readonly #rendered: LineMemoEncoder | null;

  constructor(tokenizer: Tokenizer | null, template: ChatTemplate | null, chat: boolean) {
    this.tokenizer = tokenizer;
    this.template = template;
    this.chat = chat;
    this.#rendered = tokenizer ? new LineMemoEncoder(tokenizer) : null;
  }

  /** A chat template named by --chat-template, loaded beside the tokenizer for 'auto'. */
  static async template(spec: string | null, tokenizer: TokenizerName): Promise<ChatTemplate | null> {
    if (spec === null) return null;
    const files = isBuiltinTokenizer(tokenizer) ? null : findTokenizerFiles(tokenizer);
    const t = await loadChatTemplate(spec, files && typeof files !== 'string' ? files.tokenizerJson : null);
    if (typeof t === 'string') throw new Error(`--chat-template: ${t}`);
    return t;
  }

  /** The request for `messages` (text APIs get their contents joined by blank lines). `known`: the sum of the messages' counts when already known. */
  shape(messages: ChatMessage[], known: number | null = null): ShapedPrompt {
    const prompt = messages.map((m) => m.content).join('\n\n');
    const t = this.tokenizer;
    if (!this.chat) return { prompt, inputTokens: this.#rendered ? this.#rendered.encode(prompt).length : null };
    if (!t || !this.#rendered) return { prompt, messages, inputTokens: null };
    if (this.template) return { prompt, messages, inputTokens: this.#rendered.encode(this.template.render(messages)).length };
    return { prompt, messages, inputTokens: known ?? messages.reduce((n, m) => n + t.encode(m.content).length, 0) };
  }
}

/** Prompts of trace requests and shared prefixes, built from one-token-word blocks (exact by construction). */
export class TrafficPrompts {
  readonly #counter: PromptCounter;
  readonly #blocks: TokenBlocks;
  readonly #prefixes: string[];
  readonly #prefix: PrefixSpec | null;

  constructor(counter: PromptCounter, prefix: PrefixSpec | null) {
    if (!counter.tokenizer) throw new Error('traces and shared prefixes need a tokenizer');
    const blocks = TokenBlocks.build(counter.tokenizer);
    if (typeof blocks === 'string') throw new Error(`--tokenizer: ${blocks}`);
    this.#counter = counter;
    this.#blocks = blocks;
    this.#prefix = prefix;
    this.#prefixes = prefix ? sharedPrefixes(prefix, blocks) : [];
  }

  /** Trace request `index` of the run: token counts become exact prompts (Mooncake blocks shared by id). */
  trace(index: number, input: TraceInput): ShapedPrompt {
    const own = this.traceMessages(index, input);
    return this.#counter.shape(own.messages, own.tokens);
  }

  /** The messages trace request `index` sends of its own, and their count when it is known without encoding. */
  traceMessages(index: number, input: TraceInput): { messages: ChatMessage[]; tokens: number | null } {
    if (input.kind === 'messages') return { messages: input.messages, tokens: null };
    if (input.kind === 'prompt') return { messages: [{ role: 'user', content: input.prompt }], tokens: null };
    const text = input.hashIds ? this.#blocks.hashPrompt(input.hashIds, input.tokens) : this.#blocks.uniquePrompt(index, input.tokens);
    return { messages: [{ role: 'user', content: text }], tokens: input.tokens };
  }

  /** Request `index`'s shared system prompt, then its own part; and its group. */
  withPrefix(index: number, seed: number, own: string, ownTokens: number | null): ShapedPrompt & { group: number } {
    const group = prefixGroup(this.#prefix!, seed, index);
    const known = ownTokens === null ? null : this.#prefix!.tokens + ownTokens;
    return { ...this.#counter.shape([{ role: 'system', content: this.#prefixes[group] }, { role: 'user', content: own }], known), group };
  }
}
