import { loadTokenizer, type TokenizerName } from '../tokenize/tokenizers.js';

/**
 * Cuts a text into its tokens under the simulator's tokenizer (their concatenation is the text), so an
 * answer of several tokens takes as many decode steps and usage counts what a client tokenizer finds
 * (' 1234' is 5 tokens under llama2). Without a tokenizer the text is one token.
 */
export async function answerPieces(name: TokenizerName): Promise<(text: string) => string[]> {
  if (name === 'none') return (text) => [text];
  const t = await loadTokenizer(name);
  return (text) => {
    const pieces = t.encode(text).map((id) => t.decode([id]));
    // SentencePiece decodes a lone leading '▁' to nothing: give the first piece back what went missing
    const rest = pieces.join('');
    if (pieces.length && rest !== text && text.endsWith(rest)) pieces[0] = text.slice(0, text.length - rest.length) + pieces[0];
    return pieces.join('') === text ? pieces : [text];
  };
}
