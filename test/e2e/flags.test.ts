import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServer as createHttp } from 'node:http';
import { runCli, startSimCli } from './run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** The built CLI's exit status and output (asynchronous, so the tests of a file can run side by side). */
const cli = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, SOURCE_DATE_EPOCH: '1795000000' } }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: unknown }).code as number | null) : 0, stdout, stderr }),
    );
  });

describe.concurrent('flags that forgive', () => {
  it('a mistyped flag or command gets the nearest one (exit 2, nothing run)', async () => {
    const [rat, capcity, form] = await Promise.all([cli(['--rat', '5']), cli(['capcity', '--from', '2']), cli(['capacity', '--form', '2'])]);
    expect(rat.status).toBe(2);
    expect(rat.stderr).toContain('auto-testing: --rat: unknown flag; did you mean --rate?');
    expect(rat.stderr).not.toContain('Unknown argument');
    expect(capcity.status).toBe(2);
    expect(capcity.stderr).toContain("auto-testing: 'capcity' is not a command; did you mean 'capacity'?");
    expect(form.stderr).toContain('--form: unknown flag of capacity; did you mean --from?');
  });

  it('--help shows numbers as numbers and durations as durations, and no false default for --sim-tokenizer', async () => {
    const help = (await cli(['--help'])).stdout;
    const block = (flag: string) => help.slice(help.indexOf(`--${flag} `), help.indexOf('\n      --', help.indexOf(`--${flag} `) + 1));
    expect(block('rate')).toContain('[number] [default: 10]');
    expect(block('max-tokens')).toContain('[number] [default: 150]');
    expect(block('duration')).toContain('[duration] [default: 120s]');
    expect(block('endpoint')).toContain('[string]');
    expect(block('sim-tokenizer')).toContain("[default: the run's --tokenizer]");
  });

  it('capacity: --from has a default, --slo says it is required, --json is there', async () => {
    const help = (await cli(['capacity', '--help'])).stdout;
    expect(help).toMatch(/--from .*\n?.*\[number\] \[default: 1\]/);
    expect(help).toMatch(/--slo\s+Required/);
    expect(help).toContain('--json');
  });

  it('leaderboard takes --results-dir as every other command calls it, and --json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'at-flags-')), 'board.md');
    const r = await cli(['leaderboard', '--results-dir', join(ROOT, 'test', 'fixtures', 'results'), '--no-charts', '--out', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.out).toBe(out);
    expect(printed.runs.map((x: { endpoint: string }) => x.endpoint)).toContain('fast-sim');
  });

  it('capacity --json prints capacity.json instead of the table', async () => {
    const r = await runCli(['capacity', '--from', '4', '--max-steps', '2', '--step-duration', '0.5s', '--slo', 'error_rate<=50%', '--max-tokens', '4', '--workers', '1', '--max-send-lag', '1s', '--json']);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({ schema_version: 2, end: 'max-steps', knee: { rate: 8 } });
    expect(c.steps[0]).toMatchObject({ rate: 4, verdict: 'pass' });
    expect(c.steps[0].sent_rps).toBeGreaterThan(0);
  });
});

describe('a hopeless endpoint', () => {
  it('a single run stops after its first 10 requests all fail to connect, as --endpoints does: exit 1, the schedule not fired', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const r = await runCli(['--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'm', '--rate', '20', '--duration', '30s', '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toContain('stopped early: the first 10 requests all failed (connect x10)');
    expect(r.stdout).toMatch(/errors: connect \d+ {2}first: ".*ECONNREFUSED/);
  });
});

describe('--model may be left out', () => {
  it('when the endpoint lists exactly one model at /models; several are named back (exit 2)', async () => {
    const sim = await startSimCli(['--model', 'only-one']);
    const two = createHttp((_req, res) => res.end(JSON.stringify({ object: 'list', data: [{ id: 'a' }, { id: 'b' }] })));
    await new Promise<void>((r) => two.listen(0, '127.0.0.1', r));
    try {
      const [one, several] = await Promise.all([
        runCli(['--endpoint', sim.url, '--rate', '4', '--duration', '0.5s', '--max-tokens', '4', '--workers', '1']),
        runCli(['--endpoint', `http://127.0.0.1:${(two.address() as AddressInfo).port}/v1`, '--rate', '4', '--duration', '0.5s']),
      ]);
      expect(one.code, one.stderr).toBe(0);
      expect(one.stderr).toContain('--model not given: using "only-one"');
      expect(several.code).toBe(2);
      expect(several.stderr).toContain('--model: required: http://127.0.0.1:');
      expect(several.stderr).toContain('serves 2 models ("a", "b"); name one');
    } finally {
      sim.stop();
      two.close();
    }
  });

  it('a /models that echoes the password of user:password@ as its one model: refused (exit 2), the password not shown', async () => {
    const echo = createHttp((req, res) => {
      const pair = Buffer.from(String(req.headers.authorization).replace('Basic ', ''), 'base64').toString();
      res.end(JSON.stringify({ data: [{ id: pair.split(':')[1] }] }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    try {
      const r = await runCli(['--endpoint', `http://u:pw-models-77@127.0.0.1:${(echo.address() as AddressInfo).port}/v1`, '--rate', '4', '--duration', '0.5s']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('lists ("[REDACTED]") holds a secret of this run; name the model');
      expect(r.stdout + r.stderr).not.toContain('pw-models-77');
    } finally {
      echo.close();
    }
  });
});

describe('--dry-run', () => {
  it('prints the schedule, the prompts\' statistics and request 0 (key hidden), sends nothing and writes nothing', async () => {
    // nothing listens on the endpoint: a dry run never finds out
    const r = await runCli(['--dry-run', '--rate', '4', '--duration', '2s', '--mean-input-tokens', '64', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm'], { OPENAI_API_KEY: 'sk-dry-secret-123' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('open loop (constant): 8 arrivals over 2 s, 4.00 req/s on average');
    expect(r.stdout).toContain('input tokens (llama2): min 64  mean 64.0  max 64');
    expect(r.stdout).toContain('request 0: POST http://127.0.0.1:9/v1/chat/completions');
    expect(r.stdout).toContain('authorization: Bearer [REDACTED]');
    expect(r.stdout).toContain('"max_tokens": 150');
    expect(r.stdout + r.stderr).not.toContain('sk-dry-secret-123');
    expect(readdirSync(r.dir)).toEqual([]);
  });
});
