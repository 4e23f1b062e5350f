/** The simulated model's words: one vocabulary entry per token, cycling. */
const VOCAB = [' the', ' model', ' streams', ' tokens', ' at', ' a', ' steady', ' pace', ',', ' and', ' every', ' chunk', ' is', ' timed', '.'];

export function tokenText(j: number): string {
  return VOCAB[j % VOCAB.length];
}

/** Rough input token count (about 4 characters a token), enough for the prefill model. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
