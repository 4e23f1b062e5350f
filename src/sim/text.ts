/** The simulated model's words: one vocabulary entry per token, cycling. Each is one token under every
 *  client tokenizer (llama2/3, cl100k, o200k), so client counts agree with the sim's usage. */
const VOCAB = [' the', ' model', ' streams', ' tokens', ' at', ' a', ' steady', ' pace', ',', ' and', ' every', ' chunk', ' is', ' sent', '.'];

export function tokenText(j: number): string {
  return VOCAB[j % VOCAB.length];
}

/** Rough input token count (about 4 characters a token), enough for the prefill model. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
