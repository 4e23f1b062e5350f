import { requestRandom } from './prompts.js';
import { numberToWords, wordsToNumber } from './number-words.js';

/** LLMPerf's correctness prompts (`auto-testing correctness` sends them; the simulator answers them): numbers up to this, written in words. */
export const MAX_NUMBER = 10_000;

export interface Question {
  number: number;
  prompt: string;
}

const LEAD = 'Convert the following sequence of words into a number: ';

/** Question i of a seeded set (LLMPerf's wording): the same set for the same --seed. */
export function question(seed: number, i: number): Question {
  const number = Math.floor(requestRandom(seed, i)() * (MAX_NUMBER + 1));
  return { number, prompt: `${LEAD}${numberToWords(number)}.\nPrint the number first.` };
}

/** The number a correctness prompt asks for, or null when the prompt is something else (the simulator's view). */
export function askedNumber(prompt: string): number | null {
  const at = prompt.indexOf(LEAD);
  if (at === -1) return null;
  const end = prompt.indexOf('.', at + LEAD.length);
  return wordsToNumber(prompt.slice(at + LEAD.length, end === -1 ? undefined : end));
}
