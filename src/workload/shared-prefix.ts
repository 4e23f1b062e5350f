import { requestRandom } from './prompts.js';
import type { TokenBlocks } from './traces/token-blocks.js';

/** `--prefix-tokens P --prefix-groups G`: G system prompts of exactly P tokens, one per request. */
export interface PrefixSpec {
  tokens: number;
  groups: number;
  /** How a request's group is chosen: in turn (index mod G), or drawn from the seed. */
  choice: 'round-robin' | 'random';
}

/** Request `index`'s group: a function of (seed, index), the same in every worker and shard. */
export function prefixGroup(spec: PrefixSpec, seed: number, index: number): number {
  if (spec.choice === 'round-robin') return index % spec.groups;
  return Math.floor(requestRandom(seed ^ 0x9f1e, index)() * spec.groups);
}

/** The G shared system prompts, built once per worker (exactly P tokens each, distinct from the first token). */
export function sharedPrefixes(spec: PrefixSpec, blocks: TokenBlocks): string[] {
  return Array.from({ length: spec.groups }, (_, g) => blocks.groupPrompt(g, spec.tokens));
}
