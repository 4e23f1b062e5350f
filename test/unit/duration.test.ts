import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['120s', 120_000], ['2m', 120_000], ['500ms', 500], ['90', 90_000], ['0.5', 500], ['1m30s', 90_000], ['1h', 3_600_000], [' 3s ', 3_000],
  ])('%s -> %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '10x', '-5s', 's', '5 s', '1m foo'])('rejects %j', (text) => expect(parseDuration(text)).toBeNull());
});
