import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBedrockStub, type BedrockStub } from '../bedrock-stub.js';
import { runCli } from './run-cli.js';

const SECRET = 'bedrock-key-e2e-9d8c7b';

describe('--api bedrock end to end, against a loopback event-stream stub', () => {
  let stub: BedrockStub;
  beforeAll(async () => {
    stub = await startBedrockStub();
  });
  afterAll(() => stub.close());

  it('workers send through the SDK; usage counted; the key is sent and never written', async () => {
    const r = await runCli(
      ['--api', 'bedrock', '--endpoint', stub.url, '--model', 'anthropic.claude-sonnet-4-5', '--region', 'us-east-1', '--rate', '5', '--duration', '1s', '--workers', '1', '--max-tokens', '40'],
      { AWS_BEARER_TOKEN_BEDROCK: SECRET },
    );
    expect(r.code).toBe(0);
    const [run] = readdirSync(r.dir);
    const files = readdirSync(join(r.dir, run)).map((f) => readFileSync(join(r.dir, run, f), 'utf8'));
    const s = JSON.parse(readFileSync(join(r.dir, run, 'summary.json'), 'utf8'));
    expect(s.requests).toMatchObject({ completed: 5, failed: 0 });
    expect(s.tokens).toMatchObject({ output_source: 'usage', output_total: 5 * 31, input_total: 5 * 12 });
    expect(s.endpoint).toMatchObject({ api: 'bedrock', simulated: false });
    expect(stub.seen.every((x) => x.auth === `Bearer ${SECRET}`)).toBe(true);
    expect([...files, r.stdout, r.stderr].join('\n')).not.toContain(SECRET);
  });

  it('without --endpoint it needs a region and a model: one line each, exit 2', async () => {
    const r = await runCli(['--api', 'bedrock'], { AWS_REGION: '', AWS_DEFAULT_REGION: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--region');
    expect(r.stderr).toContain('--model');
  });
});
