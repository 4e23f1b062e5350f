import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCli } from './run-cli.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: any;
  csv: string[];
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args, '--results-dir', dir, '--progress', 'none'], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      const runs = readdirSync(dir);
      const folder = runs.length ? join(dir, runs[0]) : null;
      resolve({
        code, stdout, stderr,
        summary: folder ? JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8')) : null,
        csv: folder ? readFileSync(join(folder, 'requests.csv'), 'utf8').trim().split('\n') : [],
      });
    });
  });
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const accounted = (s: any) => s.requests.completed + s.requests.failed + s.requests.dropped + s.requests.incomplete;

/** requests.csv lines as objects by column name (the columns read here hold no quoted commas). */
function table(csv: string[]): Record<string, string>[] {
  const [head, ...lines] = csv.map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
}

describe.concurrent('auto-testing against the built-in simulator', () => {
  it('no endpoint: announces the simulator, sends rate x duration, and its timing is measured within tolerance', async () => {
    const r = await cli(['--rate', '10', '--duration', '3s', '--max-tokens', '20', '--sim-prefill-ms', '100', '--sim-prefill-per-token-ms', '0', '--sim-decode-ms', '25']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('SIMULATED');
    const s = r.summary;
    expect(s.status).toBe('completed');
    expect(s.endpoint.simulated).toBe(true);
    expect(s.requests).toMatchObject({ scheduled: 30, sent: 30, completed: 30, failed: 0 });
    expect(r.csv.length).toBe(31);
    // TTFT = prefill 100 ms; e2e = 100 + 19 x 25 ms = 575 ms. The simulator never sends a token before it is
    // due, so these are floors whatever the machine's load; a late timer only adds (no wall-clock ceiling here)
    const rows = table(r.csv);
    for (const row of rows) {
      // the contract: TTFT from the request's send (not its schedule), e2e to its last token
      expect(Number(row.ttft_s)).toBeCloseTo((Number(row.first_token_ms) - Number(row.sent_ms)) / 1000, 3);
      expect(Number(row.e2e_s)).toBeCloseTo((Number(row.end_ms) - Number(row.sent_ms)) / 1000, 3);
      expect(Number(row.ttft_s)).toBeGreaterThan(0.099);
      expect(Number(row.e2e_s)).toBeGreaterThan(0.574);
      expect(Number(row.tpot_ms)).toBeCloseTo((Number(row.e2e_s) * 1000) / 20, 1);
    }
    expect(s.metrics.ttft_s.p50).toBeGreaterThan(0.099);
    // a late tick makes one gap longer and the next shorter (the simulator catches up), and so does a token the
    // client reads late: the median stays near the interval, and only a gross error falls below 20 ms
    expect(s.metrics.itl_ms.p50).toBeGreaterThan(20);
    expect(s.metrics.tpot_ms.p50).toBeGreaterThan(574 / 20);
    expect(s.metrics.output_tokens.mean).toBe(20);
    expect(s.tokens.output_source).toBe('usage');
    expect(Object.keys(s.histograms)).toContain('ttft_s');
    expect(r.stdout).toContain('TTFT (s)');
    // the rate sent over the sending window is the one asked for: the drain (575 ms) is not in it
    expect(s.schema_version).toBeGreaterThanOrEqual(5);
    expect(s.throughput.sending_window).toMatchObject({ from_s: 0, to_s: 3, send_rate_per_s: 10 });
    expect(s.throughput.sending_window.completion_rate_per_s).toBeLessThan(10);
    expect(s.throughput.requests_per_s).toBeLessThan(10);
    expect(r.stdout).toContain('rates  sent 10.00 req/s  completed ');
  });

  it('stays open loop when the server is far slower than the arrival rate, and counts what did not finish', async () => {
    const r = await cli(['--rate', '40', '--duration', '2s', '--max-tokens', '50', '--sim-slots', '2', '--sim-decode-ms', '40', '--drain-timeout', '1s']);
    const s = r.summary;
    expect(s.requests.scheduled).toBe(80);
    expect(s.requests.sent).toBe(80);
    expect(s.requests.incomplete).toBeGreaterThan(50);
    expect(accounted(s)).toBe(80);
    expect(r.csv.length).toBe(81);
    // open loop, judged by the run's own stamps: far more requests went out before the first answer ended
    // than the server has slots (a client waiting for answers could never have more than 2 in flight)
    const rows = table(r.csv);
    const firstEnd = Math.min(...rows.filter((row) => row.outcome === 'completed').map((row) => Number(row.end_ms)));
    expect(rows.filter((row) => Number(row.sent_ms) < firstEnd).length).toBeGreaterThan(2 * 10);
  });

  it('--max-in-flight drops and counts arrivals beyond the cap', async () => {
    const r = await cli(['--rate', '20', '--duration', '1s', '--max-tokens', '100', '--sim-decode-ms', '20', '--max-in-flight', '3']);
    const s = r.summary;
    expect(s.requests.sent).toBe(3);
    expect(s.requests.dropped).toBe(17);
    expect(accounted(s)).toBe(20);
    expect(s.warnings.join(' ')).toContain('DROPPED');
  });
});

describe.concurrent('errors are classified, the run goes on', () => {
  let server: { url: string; stop: () => void };
  beforeAll(async () => {
    server = await startSimCli(['--decode-ms', '5']);
  });
  afterAll(() => server.stop());

  it('works against a standalone `sim` with --endpoint, openai-completions too', async () => {
    const r = await cli(['--endpoint', server.url, '--model', 'x', '--api', 'openai-completions', '--rate', '10', '--duration', '1s', '--max-tokens', '5']);
    expect(r.summary.requests).toMatchObject({ sent: 10, completed: 10 });
    expect(r.summary.endpoint).toMatchObject({ api: 'openai-completions', simulated: false });
  });

  it('HTTP errors keep their status and body', async () => {
    const r = await cli(['--endpoint', `${server.url}/nope`, '--model', 'x', '--rate', '5', '--duration', '1s']);
    expect(r.summary.requests).toMatchObject({ sent: 5, failed: 5 });
    expect(r.summary.errors).toEqual({ http_status: 5 });
    expect(r.csv[1]).toContain('HTTP 404');
    expect(r.summary.error_examples.http_status).toMatch(/^HTTP 404/);
  });

  it('connection refused is a connect error', async () => {
    const port = await closedPort();
    const r = await cli(['--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'x', '--rate', '5', '--duration', '1s']);
    expect(r.summary.errors).toEqual({ connect: 5 });
    expect(r.summary.error_rate).toBe(1);
    // what went wrong is shown, not only counted: the first message of each class
    expect(r.summary.error_examples.connect).toContain('ECONNREFUSED');
    expect(r.stdout).toMatch(/errors: connect 5 {2}first: ".*ECONNREFUSED 127\.0\.0\.1:\d+"/);
  });

  it('the API key is sent but never written to results or output', async () => {
    const secret = 'sk-secret-e2e-123456';
    const r = await cli(['--endpoint', server.url, '--model', 'x', '--rate', '5', '--duration', '1s', '--max-tokens', '3'], { OPENAI_API_KEY: secret });
    expect(r.summary.requests.completed).toBe(5);
    expect(JSON.stringify(r.summary) + r.csv.join('\n') + r.stdout + r.stderr).not.toContain(secret);
  });
});

describe.concurrent('bad input: one line naming the flag, exit code 2, nothing sent', () => {
  it.each([
    [['--rate', '-1'], '--rate'],
    [['--duration', '10 parsecs'], '--duration'],
    [['--endpoint', '127.0.0.1:8000/v1', '--model', 'm'], '--endpoint'],
    [['--endpoint', 'http://127.0.0.1:1/v1'], '--model'],
    [['--api', 'nope'], '--api'],
    [['--bogus-flag', '1'], 'bogus-flag'],
  ])('%j', async (args, flag) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.summary).toBeNull();
  });
});

describe.concurrent('arrival models end to end', () => {
  it('--arrival burst schedules `rate` requests together at each whole second and sends them all', async () => {
    const r = await cli(['--arrival', 'burst', '--rate', '4', '--duration', '2s', '--max-tokens', '5']);
    expect(r.summary.run.arrival).toBe('burst');
    expect(r.summary.requests).toMatchObject({ scheduled: 8, sent: 8, completed: 8 });
    const rows = r.csv.slice(1).map((l) => l.split(','));
    const sched = rows.map((c) => Number(c[4])).sort((a, b) => a - b);
    expect(sched).toEqual([0, 0, 0, 0, 1000, 1000, 1000, 1000]);
  });

  it('--arrival poisson is seeded: the same seed schedules the same arrivals', async () => {
    const args = ['--arrival', 'poisson', '--rate', '10', '--duration', '2s', '--max-tokens', '3', '--seed', '5'];
    const [a, b] = await Promise.all([cli(args), cli(args)]);
    const times = (x: Ran) => x.csv.slice(1).map((l) => Number(l.split(',')[4])).sort((p, q) => p - q);
    expect(times(a)).toEqual(times(b));
    expect(a.summary.requests.scheduled).toBe(a.summary.requests.completed);
  });
});

describe.concurrent('warm-up and sampling parameters', () => {
  it('--warmup: requests due in the warm-up are written and counted but left out of the statistics', async () => {
    const r = await cli(['--rate', '10', '--duration', '2s', '--warmup', '1s', '--max-tokens', '3', '--sampling-params', '{"temperature":0.7}']);
    expect(r.summary.requests).toMatchObject({ scheduled: 20, completed: 20, warmup: 10 });
    expect(r.summary.metrics.ttft_s.count).toBe(10);
    expect(r.csv.length).toBe(21);
    expect(r.summary.workload).toMatchObject({ warmup_s: 1, sampling_params: { temperature: 0.7 } });
  });

  it('--sampling-params must be a JSON object', async () => {
    const r = await cli(['--sampling-params', '[1]']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sampling-params');
  });
});
