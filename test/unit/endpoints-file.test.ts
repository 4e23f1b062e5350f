import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEndpointsFile } from '../../src/config/endpoints.js';
import { FailFast } from '../../src/engine/fail-fast.js';
import type { RequestRecord } from '../../src/metrics/record.js';

const APIS = ['openai-chat', 'tgi'];
const dir = mkdtempSync(join(tmpdir(), 'at-endpoints-'));

function read(yaml: string) {
  const file = join(dir, `e${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return { file, result: readEndpointsFile(file, APIS) };
}

describe('endpoints file', () => {
  it('reads the shipped example', () => {
    const r = readEndpointsFile(join(import.meta.dirname, '..', '..', 'leaderboard_data', 'endpoints.example.yaml'), APIS);
    expect('endpoints' in r && r.endpoints.map((e) => e.name)).toEqual(['vllm', 'sglang', 'llama.cpp', 'tgi']);
  });

  it('fills defaults and lower-cases header names', () => {
    const { result } = read('- name: a\n  url: http://127.0.0.1:1/v1\n  model: m\n  headers: { X-Team: perf }\n  params: { temperature: 0 }\n');
    expect(result).toEqual({ endpoints: [{ name: 'a', url: 'http://127.0.0.1:1/v1', api: 'openai-chat', model: 'm', apiKeyEnv: null, headers: { 'x-team': 'perf' }, params: { temperature: 0 } }] });
  });

  it('reports every problem, one line each, naming the entry and the key', () => {
    const { file, result } = read([
      '- name: a',
      '  url: 127.0.0.1:8000',
      '  api: grpc',
      '  modle: m',
      '- name: a',
      '  url: https://x.example/v1',
      '  model: m',
      '  api_key_env: sk-live-123',
      '  headers: [1, 2]',
      '- just a string',
    ].join('\n'));
    expect(result).toEqual({
      problems: [
        `${file}: endpoint 1 ('a'): unknown key 'modle'; keys are name, url, api, model, api_key_env, headers, params`,
        `${file}: endpoint 1 ('a'): url '127.0.0.1:8000' is not an http(s) URL; write it with its scheme, e.g. http://127.0.0.1:8000/v1`,
        `${file}: endpoint 1 ('a'): api 'grpc' is unknown; use one of openai-chat, tgi`,
        `${file}: endpoint 1 ('a'): 'model' is required`,
        `${file}: endpoint 2 ('a'): api_key_env must name an environment variable (e.g. OPENAI_API_KEY), never hold the key itself`,
        `${file}: endpoint 2 ('a'): headers: must be a mapping of 'key: value' lines`,
        `${file}: endpoint 3: must be a mapping with name, url, api, model, api_key_env, headers, params`,
        `${file}: name 'a' is used twice; names label results folders and leaderboard rows, make them unique`,
      ],
    });
  });

  it('refuses what is not a list, and says where a YAML error is', () => {
    expect(read('name: a\n').result).toMatchObject({ problems: [expect.stringContaining('must be a non-empty YAML list')] });
    expect(read('- name: [a\n').result).toMatchObject({ problems: [expect.stringContaining('YAML syntax error')] });
    expect(readEndpointsFile(join(dir, 'missing.yaml'), APIS)).toMatchObject({ problems: [expect.stringMatching(/^--endpoints: cannot read .*ENOENT/)] });
  });
});

function rec(outcome: RequestRecord['outcome'], error: RequestRecord['error_class'] = null, status: number | null = null): RequestRecord {
  return { outcome, error_class: error, http_status: status, sent_ms: 1 } as RequestRecord;
}

describe('fail fast on a hopeless endpoint', () => {
  it('fires once when the first n requests all failed to connect or were refused', () => {
    const f = new FailFast(4);
    expect(f.observe([rec('failed', 'connect'), rec('failed', 'http_status', 401)])).toBeNull();
    expect(f.observe([rec('failed', 'http_status', 401), rec('failed', 'http_status', 401)])).toBe(
      'stopped early: the first 4 requests all failed (connect x1, HTTP 401 x3); the endpoint is unreachable or refuses the request',
    );
    expect(f.observe([rec('failed', 'connect')])).toBeNull();
  });

  it('never fires after a success or a failure worth waiting out (429, 500, timeouts)', () => {
    for (const other of [rec('completed'), rec('failed', 'rate_limited', 429), rec('failed', 'http_status', 500), rec('failed', 'timeout')]) {
      const f = new FailFast(2);
      expect(f.observe([rec('failed', 'connect'), other, rec('failed', 'connect'), rec('failed', 'connect')])).toBeNull();
    }
  });
});
