import { loadTokenizer, type Tokenizer, type TokenizerName } from '../tokenize/tokenizers.js';
import { readCorpus } from './corpus.js';
import type { DatasetItem } from './dataset.js';
import { PromptBuilder, requestRandom, sampleLength, type BuildStats, type LengthSpec } from './prompts.js';

/** Where prompts and their lengths come from; every choice is a function of (seed, request index). */
export interface PromptSpec {
  /** Fixed prompt text; each request gets its index as a distinct prefix so no two prompts share a cache entry. */
  text: string;
  /** Synthesized prompts of exact token counts (overrides `text`). */
  input: LengthSpec | null;
  /** Per-request max_tokens drawn from this (else `maxTokens`, or the dataset's output_tokens). */
  output: LengthSpec | null;
  /** Prompts used in turn (overrides `text` and `input`). */
  dataset: DatasetItem[] | null;
  tokenizer: TokenizerName;
  seed: number;
  /** Also ask for min_tokens and ignore_eos when a length was drawn or given. */
  exactOutput: boolean;
}

/** What request i sends: its prompt, the prompt's client token count, and the output length asked. */
export interface RequestPlan {
  prompt: string;
  inputTokens: number | null;
  maxTokens: number;
  /** Ask for exactly maxTokens (min_tokens / ignore_eos). */
  exact: boolean;
}

/** Builds request plans, a pure function of (spec, index): the same whichever worker or shard asks. */
export class RequestPlanner {
  readonly tokenizer: Tokenizer | null;
  readonly #spec: PromptSpec;
  readonly #maxTokens: number;
  readonly #synth: PromptBuilder | null;
  /** Each dataset prompt's count, once: a dataset is sent over and over, and long prompts cost to encode. */
  readonly #datasetCounts: Int32Array | null;

  private constructor(spec: PromptSpec, maxTokens: number, tokenizer: Tokenizer | null) {
    this.#spec = spec;
    this.#maxTokens = maxTokens;
    this.tokenizer = tokenizer;
    this.#synth = spec.input && tokenizer ? new PromptBuilder(tokenizer, readCorpus()) : null;
    this.#datasetCounts = spec.dataset && tokenizer ? new Int32Array(spec.dataset.length).fill(-1) : null;
  }

  /** How this planner's synthesized prompts were built (null: none are synthesized). */
  get buildStats(): BuildStats | null {
    return this.#synth?.stats ?? null;
  }

  static async create(spec: PromptSpec, maxTokens: number): Promise<RequestPlanner> {
    const tok = spec.tokenizer === 'none' ? null : await loadTokenizer(spec.tokenizer);
    return new RequestPlanner(spec, maxTokens, tok);
  }

  plan(index: number): RequestPlan {
    const s = this.#spec;
    const rand = requestRandom(s.seed, index);
    const item = s.dataset ? s.dataset[index % s.dataset.length] : null;
    const drawn = s.output ? sampleLength(rand, s.output) : null;
    const maxTokens = item?.outputTokens ?? drawn ?? this.#maxTokens;
    const exact = s.exactOutput && (item?.outputTokens ?? drawn) !== null;
    if (this.#synth && s.input) {
      const { prompt, inputTokens } = this.#synth.build(index, sampleLength(rand, s.input), rand);
      return { prompt, inputTokens, maxTokens, exact };
    }
    if (item) return { prompt: item.prompt, inputTokens: this.#datasetCount(index % s.dataset!.length), maxTokens, exact };
    const prompt = `${index} ${s.text}`;
    return { prompt, inputTokens: this.tokenizer ? this.tokenizer.encode(prompt).length : null, maxTokens, exact };
  }

  #datasetCount(i: number): number | null {
    const counts = this.#datasetCounts;
    if (!counts || !this.tokenizer) return null;
    if (counts[i] < 0) counts[i] = this.tokenizer.encode(this.#spec.dataset![i].prompt).length;
    return counts[i];
  }
}
