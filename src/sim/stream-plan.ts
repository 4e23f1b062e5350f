import type { SimOptions } from './options.js';

/**
 * How one simulated generation deviates from "one answer token per chunk, exactly max_tokens, counted
 * honestly": a reasoning phase first, several tokens per chunk, an early stop, a skewed usage count.
 * The engine still decodes one token per interval; the plan only groups and labels them.
 */
export interface StreamPlan {
  /** Tokens generated (reasoning included). */
  total: number;
  /** The first `reasoning` tokens are reasoning; the rest are the answer. */
  reasoning: number;
  finish: 'length' | 'stop';
  /** The count the server reports for `n` generated tokens (`--usage-skew`). */
  reported(n: number): number;
}

export interface ChunkSizes {
  min: number;
  max: number;
}

/** `--tokens-per-chunk`: `K`, or `A-B` for a size drawn uniformly (seeded) for every chunk. */
export function parseChunkSizes(spec: string): ChunkSizes | null {
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec.trim());
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  return min >= 1 && max >= min ? { min, max } : null;
}

export function planStream(maxTokens: number, o: Pick<SimOptions, 'reasoningTokens' | 'stopEarly' | 'usageSkew'>, reasoningAllowed: boolean): StreamPlan {
  const total = Math.max(1, Math.min(maxTokens, Math.round(maxTokens * o.stopEarly)));
  return {
    total,
    // reasoning counts against max_tokens, as vLLM does, and leaves at least one answer token
    reasoning: reasoningAllowed ? Math.min(o.reasoningTokens, total - 1) : 0,
    finish: total < maxTokens ? 'stop' : 'length',
    reported: (n) => Math.round(n * o.usageSkew),
  };
}

/**
 * Groups a stream's tokens into chunks: `add` returns true when the token just added closes a chunk
 * (the drawn size is reached, the phase turns from reasoning to answer, or it is the last token).
 */
export function chunker(sizes: ChunkSizes, rand: () => number, plan: StreamPlan): { add(j: number): boolean } {
  const draw = () => sizes.min + Math.floor(rand() * (sizes.max - sizes.min + 1));
  let size = draw();
  let held = 0;
  return {
    add(j) {
      held++;
      const close = held >= size || j + 1 === plan.reasoning || j + 1 >= plan.total;
      if (close) {
        held = 0;
        size = draw();
      }
      return close;
    },
  };
}
