/**
 * English number words both ways, for LLMPerf's correctness test. Written out here because the sim must
 * read the words back into digits, and one module doing both directions keeps them exact inverses.
 */
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: [number, string][] = [[1_000_000, 'million'], [1000, 'thousand']];

function belowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const tail = rest < 20 ? ONES[rest] : `${TENS[Math.floor(rest / 10)]}${rest % 10 ? `-${ONES[rest % 10]}` : ''}`;
  if (!hundreds) return tail;
  return `${ONES[hundreds]} hundred${rest ? ` and ${tail}` : ''}`;
}

/** 1234567 -> 'one million, two hundred and thirty-four thousand, five hundred and sixty-seven' (num2words' style). */
export function numberToWords(n: number): string {
  if (n < 1000) return belowThousand(n);
  const parts: string[] = [];
  let rest = n;
  for (const [size, name] of SCALES) {
    if (rest >= size) {
      parts.push(`${belowThousand(Math.floor(rest / size))} ${name}`);
      rest %= size;
    }
  }
  if (rest) parts.push(belowThousand(rest));
  return parts.join(', ');
}

const VALUE = new Map<string, number>([...ONES.map((w, i) => [w, i] as [string, number]), ...TENS.map((w, i) => [w, i * 10] as [string, number]).filter(([w]) => w)]);

/** The inverse of numberToWords (and of its usual variants: no 'and', no commas); null when not a number. */
export function wordsToNumber(text: string): number | null {
  const words = text.toLowerCase().replace(/[,-]/g, ' ').split(/\s+/).filter((w) => w && w !== 'and');
  if (!words.length) return null;
  let total = 0;
  let group = 0;
  for (const w of words) {
    const v = VALUE.get(w);
    if (v !== undefined) group += v;
    else if (w === 'hundred') group *= 100;
    else if (w === 'thousand' || w === 'million') {
      total += group * (w === 'thousand' ? 1000 : 1_000_000);
      group = 0;
    } else return null;
  }
  return total + group;
}
