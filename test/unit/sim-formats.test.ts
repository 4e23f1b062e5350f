import { describe, expect, it } from 'vitest';
import { protocolFor } from '../../src/protocols/registry.js';
import { formatFor, SIM_APIS } from '../../src/sim/formats/index.js';
import type { ApiName } from '../../src/protocols/types.js';
import type { ChunkKind, SimEnding, SimFormat, SimRequest } from '../../src/sim/formats/types.js';
import { decode } from '../helpers.js';

const PATHS: Record<string, string> = {
  'openai-chat': '/v1/chat/completions',
  'openai-completions': '/v1/completions',
  'openai-responses': '/v1/responses',
  'anthropic-messages': '/v1/messages',
  gemini: '/v1beta/models/m:streamGenerateContent',
  tgi: '/generate_stream',
  ollama: '/api/chat',
};
const req: SimRequest = { model: 'm', prompt: 'p', messages: [{ role: 'user', content: 'p' }], maxTokens: 5, stream: true, includeUsage: true, perChunkUsage: false };
const ending: SimEnding = { usage: { input: 4, output: 5, reasoning: 2, cached: 3 }, finish: 'length' };
/** APIs whose usage has a cached-prompt-tokens field (the simulator's prefix cache reports through it). */
const CACHED = new Set(['openai-chat', 'openai-completions', 'openai-responses', 'anthropic-messages', 'gemini']);
const KINDS: ChunkKind[] = ['reasoning', 'reasoning', 'output', 'output', 'output'];

/** A whole simulated stream: 2 reasoning chunks (when the API has reasoning), then answer chunks, the last with the ending. */
function streamBytes(f: SimFormat): Buffer {
  const s = f.stream(req, ending);
  const kind = (k: ChunkKind): ChunkKind => (f.reasoning ? k : 'output');
  const parts = [s.head(), ...KINDS.slice(0, -1).map((k, i) => s.chunk(` w${i}`, kind(k))), s.end(' w4', 'output')];
  return Buffer.concat(parts);
}

describe('simulator formats are read back exactly by the matching clients', () => {
  it('routes every HTTP API by path', () => {
    expect(SIM_APIS.sort()).toEqual(Object.keys(PATHS).sort());
    for (const [api, path] of Object.entries(PATHS)) expect(formatFor(path)?.api).toBe(api);
    expect(formatFor('/v1/nope')).toBeNull();
  });

  it.each(Object.keys(PATHS) as ApiName[])('%s: stream at every split point, usage and reasoning as sent', (api) => {
    const f = formatFor(PATHS[api])!;
    const body = streamBytes(f);
    const client = protocolFor(api);
    const r = decode(client, [body]);
    const reasoning = f.reasoning ? 2 : 0;
    expect(r).toMatchObject({ output: 5 - reasoning, reasoning, done: true, errors: [], usage: { output: 5, input: 4, ...(CACHED.has(api) && { cached: 3 }) } });
    expect(r.text).toBe(' w0 w1 w2 w3 w4');
    for (let i = 0; i <= body.length; i += 7) expect(decode(client, [body.subarray(0, i), body.subarray(i)])).toEqual(r);
  });

  it.each(Object.keys(PATHS) as ApiName[])('%s: whole body and error body', (api) => {
    const f = formatFor(PATHS[api])!;
    const client = protocolFor(api);
    const r = decode(client, [Buffer.from(f.whole(req, { reasoning: 'think', output: 'answer' }, ending))], false);
    expect(r).toMatchObject({ done: true, errors: [], usage: { output: 5, input: 4, ...(CACHED.has(api) && { cached: 3 }) } });
    expect(r.text).toContain('answer');
    expect(decode(client, [Buffer.from(f.error(500, 'boom'))], false).errors[0][0]).toBe('server_error_event');
  });
});
