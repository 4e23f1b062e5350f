/**
 * Tokenizers with their vocabularies embedded in published npm packages: nothing is downloaded at run
 * time. Each is imported only when chosen (their vocabularies weigh megabytes and take a while to load).
 * Counts exclude special tokens (BOS/EOS): what a prompt or an answer holds, under every tokenizer alike.
 */
export const TOKENIZERS = ['llama2', 'llama3', 'cl100k', 'o200k', 'none'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];

export interface Tokenizer {
  readonly name: Exclude<TokenizerName, 'none'>;
  encode(text: string): number[];
  decode(ids: number[]): string;
}

const LOADERS: Record<Exclude<TokenizerName, 'none'>, () => Promise<Omit<Tokenizer, 'name'>>> = {
  // LLMPerf counts with the LLaMA-2 tokenizer (SentencePiece). Its dummy-prefix space is added only to
  // text that does not start with one: streamed answers do ('▁the' arrives as ' the'), prompts do not
  llama2: async () => {
    const { default: t } = await import('llama-tokenizer-js');
    return { encode: (s) => t.encode(s, false, !/^\s/.test(s)), decode: (ids) => t.decode(ids, false) };
  },
  llama3: async () => {
    const { default: t } = await import('llama3-tokenizer-js');
    return { encode: (s) => t.encode(s, { bos: false, eos: false }), decode: (ids) => t.decode(ids) };
  },
  cl100k: () => tiktoken(import('js-tiktoken/ranks/cl100k_base')),
  o200k: () => tiktoken(import('js-tiktoken/ranks/o200k_base')),
};

async function tiktoken(ranks: Promise<{ default: ConstructorParameters<typeof import('js-tiktoken/lite').Tiktoken>[0] }>): Promise<Omit<Tokenizer, 'name'>> {
  const [{ Tiktoken }, r] = await Promise.all([import('js-tiktoken/lite'), ranks]);
  const t = new Tiktoken(r.default);
  return { encode: (s) => t.encode(s), decode: (ids) => t.decode(ids) };
}

const loaded = new Map<string, Promise<Tokenizer>>();

/** The named tokenizer, loaded once per thread. */
export function loadTokenizer(name: Exclude<TokenizerName, 'none'>): Promise<Tokenizer> {
  let t = loaded.get(name);
  if (!t) {
    t = LOADERS[name]().then((impl) => ({ name, ...impl }));
    loaded.set(name, t);
  }
  return t;
}
