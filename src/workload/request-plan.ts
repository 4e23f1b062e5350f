import type { PromptSpec } from '../workers/messages.js';
import { loadTokenizer, type Tokenizer } from '../tokenize/tokenizers.js';
import { readCorpus } from './corpus.js';
import { PromptSynthesizer, requestRandom, sampleLength } from './prompts.js';

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
  readonly #synth: PromptSynthesizer | null;

  private constructor(spec: PromptSpec, maxTokens: number, tokenizer: Tokenizer | null) {
    this.#spec = spec;
    this.#maxTokens = maxTokens;
    this.tokenizer = tokenizer;
    this.#synth = spec.input && tokenizer ? new PromptSynthesizer(tokenizer, readCorpus()) : null;
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
      const { prompt, inputTokens } = this.#synth.make(index, sampleLength(rand, s.input), rand);
      return { prompt, inputTokens, maxTokens, exact };
    }
    const prompt = item ? item.prompt : `${index} ${s.text}`;
    return { prompt, inputTokens: this.tokenizer ? this.tokenizer.encode(prompt).length : null, maxTokens, exact };
  }
}
