import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/results/csv-line.js';

const field = fc.oneof(
  fc.constant(null), fc.constant(undefined), fc.boolean(), fc.double(), fc.integer(),
  fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', '😀', '0') }), fc.string(),
);

describe('requests.csv lines written by hand', () => {
  it('are byte for byte what csv-stringify writes with its defaults', () => {
    fc.assert(fc.property(fc.array(field, { minLength: 1, maxLength: 12 }), (row) => {
      expect(csvLine(row)).toBe(stringify([row]));
    }), { numRuns: 2000 });
  });

  it('quote a field only for a comma, a quote or a line break', () => {
    expect(csvLine([1.5, 'a,b', 'q"x', 'l\nm', '', null, true, false, -0])).toBe('1.5,"a,b","q""x","l\nm",,,1,,0\n');
  });
});
