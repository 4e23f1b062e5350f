import { describe, expect, it } from 'vitest';
import { Conversation, sessionRequestId, sessionTurns } from '../../src/workload/sessions.js';
import { prefixGroup, sharedPrefixes } from '../../src/workload/shared-prefix.js';
import { TokenBlocks } from '../../src/workload/traces/token-blocks.js';
import { loadTokenizer } from '../../src/tokenize/tokenizers.js';

describe('sessions', () => {
  it('turns per session are drawn from the seed: reproducible, at least 1, mean as asked', () => {
    const spec = { turns: { mean: 5, stddev: 2 }, thinkTimeMs: 0 };
    const a = Array.from({ length: 2000 }, (_, s) => sessionTurns(42, s, spec));
    expect(Array.from({ length: 2000 }, (_, s) => sessionTurns(42, s, spec))).toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(1);
    expect(a.reduce((x, y) => x + y, 0) / a.length).toBeCloseTo(5, 0);
    expect(sessionTurns(1, 3, { turns: { mean: 5, stddev: 0 }, thinkTimeMs: 0 })).toBe(5);
  });

  it('request ids are unique over sessions and turns; turn 0 keeps the schedule index', () => {
    const ids = new Set<number>();
    for (let s = 0; s < 50; s++) for (let t = 0; t < 9; t++) ids.add(sessionRequestId(s, t, 50));
    expect(ids.size).toBe(450);
    expect(sessionRequestId(7, 0, 50)).toBe(7);
  });

  it('a conversation grows by the user message and the actual answer of each turn', () => {
    const c = new Conversation('sys');
    expect(c.ask('q1')).toEqual([{ role: 'system', content: 'sys' }, { role: 'user', content: 'q1' }]);
    c.answer(' the model streams');
    const second = c.ask('q2');
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second[2].content).toBe(' the model streams');
    expect(c.turn).toBe(2);
    expect(Conversation.text(second)).toBe('sys\n\nq1\n\n the model streams\n\nq2');
  });
});

describe('shared prefixes', () => {
  it('G system prompts of exactly P tokens, distinct; groups in turn or drawn from the seed', async () => {
    const tok = await loadTokenizer('llama3');
    const blocks = TokenBlocks.build(tok) as TokenBlocks;
    const spec = { tokens: 2000, groups: 3, choice: 'round-robin' as const };
    const p = sharedPrefixes(spec, blocks);
    expect(p.map((x) => tok.encode(x).length)).toEqual([2000, 2000, 2000]);
    expect(new Set(p.map((x) => tok.encode(x)[0])).size).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => prefixGroup(spec, 1, i))).toEqual([0, 1, 2, 0, 1]);
    const drawn = Array.from({ length: 300 }, (_, i) => prefixGroup({ ...spec, choice: 'random' }, 1, i));
    expect(new Set(drawn)).toEqual(new Set([0, 1, 2]));
    expect(Array.from({ length: 300 }, (_, i) => prefixGroup({ ...spec, choice: 'random' }, 1, i))).toEqual(drawn);
  });
});
