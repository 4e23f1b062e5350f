import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A Hugging Face tokenizer.json found on disk, with the tokenizer_config.json beside it when there is one. */
export interface TokenizerFiles {
  /** Absolute path of tokenizer.json. */
  tokenizerJson: string;
  /** Absolute path of tokenizer_config.json beside it, or null. */
  config: string | null;
}

/**
 * `--tokenizer PATH`: a tokenizer.json file, or the folder of a model downloaded from the Hub (holding
 * tokenizer.json and usually tokenizer_config.json). A string when nothing usable is there.
 */
export function findTokenizerFiles(path: string): TokenizerFiles | string {
  const abs = resolve(path);
  if (!existsSync(abs)) return `'${path}' does not exist; give a tokenizer.json file or the model folder holding it`;
  const file = statSync(abs).isDirectory() ? join(abs, 'tokenizer.json') : abs;
  if (!existsSync(file)) return `'${path}' holds no tokenizer.json; give the file itself or the model folder holding it`;
  const config = join(dirname(file), 'tokenizer_config.json');
  return { tokenizerJson: file, config: existsSync(config) ? config : null };
}

/** Reads a JSON file, or says in one line why it cannot be used. */
export function readJsonFile(path: string): Record<string, unknown> | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return `cannot read '${path}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  try {
    const v = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below, the same way as a JSON value that is not an object
  }
  return `'${path}' is not a JSON object`;
}

export interface HfTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
}

/**
 * A tokenizer.json through `@huggingface/tokenizers` (pure JS). Counts exclude the special tokens the
 * tokenizer's post-processor would add (BOS/EOS), as the built-in tokenizers do; special tokens written
 * in the text itself (a rendered chat template's `<|im_start|>`, `<s>`) are still recognised and counted,
 * as a server does.
 */
export async function loadHfTokenizer(files: TokenizerFiles): Promise<HfTokenizer> {
  const json = readJsonFile(files.tokenizerJson);
  if (typeof json === 'string') throw new Error(json);
  const config = files.config ? readJsonFile(files.config) : {};
  if (typeof config === 'string') throw new Error(config);
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const t = new Tokenizer(json, config);
  return {
    encode: (s) => t.encode(s, { add_special_tokens: false }).ids,
    decode: (ids) => t.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
}
