import { findTokenizerFiles, loadHfTokenizer } from './hf-tokenizer.js';

/**
 * Tokenizers with their vocabularies embedded in published npm packages: nothing is downloaded at run
 * time. Each is imported only when chosen (their vocabularies weigh megabytes and take a while to load).
 * Counts exclude special tokens (BOS/EOS): what a prompt or an answer holds, under every tokenizer alike.
 */
export const TOKENIZERS = ['llama2', 'llama3', 'cl100k', 'o200k', 'none'] as const;
export type BuiltinTokenizer = (typeof TOKENIZERS)[number];
/** A built-in name, or the path of a Hugging Face tokenizer.json (or of the model folder holding it). */
export type TokenizerName = BuiltinTokenizer | (string & {});

export interface Tokenizer {
  /** The built-in name, or the tokenizer.json's absolute path. */
  readonly name: string;
  encode(text: string): number[];
  decode(ids: number[]): string;
}

export function isBuiltinTokenizer(name: string): name is BuiltinTokenizer {
  return (TOKENIZERS as readonly string[]).includes(name);
}

/** Why `value` names no tokenizer (a built-in name or a readable tokenizer.json), or null when it does. */
export function tokenizerProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return `must be one of ${TOKENIZERS.join(', ')} or the path of a tokenizer.json`;
  if (isBuiltinTokenizer(value)) return null;
  const files = findTokenizerFiles(value);
  return typeof files === 'string' ? `${files} (or name one of ${TOKENIZERS.join(', ')})` : null;
}

const LOADERS: Record<Exclude<BuiltinTokenizer, 'none'>, () => Promise<Omit<Tokenizer, 'name'>>> = {
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

/** The named tokenizer (a built-in name, or a tokenizer.json path), loaded once per thread. */
export function loadTokenizer(name: TokenizerName): Promise<Tokenizer> {
  let t = loaded.get(name);
  if (!t) {
    t = loadUncached(name);
    loaded.set(name, t);
  }
  return t;
}

async function loadUncached(name: string): Promise<Tokenizer> {
  if (name === 'none') throw new Error("tokenizer 'none' counts nothing: check for it before loading");
  if (isBuiltinTokenizer(name)) return { name, ...(await LOADERS[name as Exclude<BuiltinTokenizer, 'none'>]()) };
  const files = findTokenizerFiles(name);
  if (typeof files === 'string') throw new Error(`--tokenizer: ${files}`);
  return { name: files.tokenizerJson, ...(await loadHfTokenizer(files)) };
}
