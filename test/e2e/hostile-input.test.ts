import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const empty = join(mkdtempSync(join(tmpdir(), 'at-e2e-')), 'empty.yaml');
writeFileSync(empty, '# nothing yet\n');

describe.concurrent('bad input: one line naming the flag, exit 2, nothing sent', () => {
  it.each([
    [['--endpoint', ''], /^auto-testing: --endpoint: empty; give the server's base URL/],
    [['--endpoint'], /^auto-testing: --endpoint: empty/],
    [['--header', 'X-A: b\r\nEvil: 1'], /^auto-testing: --header: the value of 'X-A' holds a line break/],
    [['--workload', empty], /^auto-testing: .*empty\.yaml: holds no settings/],
    [['--workers', String(4 * availableParallelism() + 1)], /^auto-testing: --workers: \d+ threads on \d+ CPU\(s\) is more than/],
    [['--duration', '-5s'], /^auto-testing: --duration: '-5s' is not a duration/],
    [['--rate', '0x10'], /^auto-testing: --rate: must be a number, got '0x10'/],
    [['--workers', '0x10'], /^auto-testing: --workers: '0x10' is not a decimal number/],
    [['--rate', '1e6', '--duration', '1s'], /^auto-testing: --rate: 1,000,000 req\/s in one process is beyond what it can send/],
    [['--rate', '100', '--duration', '30h'], /^auto-testing: --rate x --duration: 10,800,000 arrivals in one process/],
  ])('%j', async (args, line) => {
    const r = await spawnCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(line);
    expect(r.stderr).not.toContain('SIMULATED');
    expect(readdirSync(r.dir)).toEqual([]);
  });

  it('--results-dir under /proc: one line, exit 2, at once (Node\'s recursive mkdir spun there forever)', async () => {
    const r = await spawnCli(['--rate', '1', '--duration', '1s'], { dir: '/proc/self/at-results' });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^auto-testing: --results-dir: cannot write to '\/proc\/self\/at-results' \(ENOENT/);
  });
});

const SSE = 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

/** A loopback OpenAI-compatible server that notes each request's target and authorization header. */
async function recorder(): Promise<{ port: number; seen: { url: string; authorization: string | undefined }[]; server: Server; sockets: Set<Socket> }> {
  const seen: { url: string; authorization: string | undefined }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ url: req.url!, authorization: req.headers.authorization });
    req.resume().on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(SSE));
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen, server, sockets };
}

describe('the endpoint URL: its query string kept, its credentials sent as Basic auth and never shown', () => {
  let stop = () => {};
  afterEach(() => stop());

  it.each(['http1', 'undici'])('--http-client %s: ?api-version= on every request, user:password@ as authorization: Basic', async (client) => {
    const { port, seen, server, sockets } = await recorder();
    stop = () => (sockets.forEach((s) => s.destroy()), server.close());
    const r = await spawnCli(['--endpoint', `http://azure-user:s3cr%40t-pw@127.0.0.1:${port}/v1?api-version=2024-10-21`, '--model', 'm', '--rate', '4', '--duration', '1s', '--workers', '1', '--http-client', client]);
    expect(r.code).toBe(0);
    expect(r.summary.requests.completed).toBe(4);
    // the warm-up's requests go to a private server: every request here is the run's
    expect(seen.map((s) => s.url)).toEqual(Array(4).fill('/v1/chat/completions?api-version=2024-10-21'));
    expect(new Set(seen.map((s) => s.authorization))).toEqual(new Set([`Basic ${Buffer.from('azure-user:s3cr@t-pw').toString('base64')}`]));
    expect(r.summary.endpoint.url).toBe(`http://127.0.0.1:${port}/v1`);
    const folder = join(r.dir, readdirSync(r.dir)[0]);
    const written = readdirSync(folder).map((f) => readFileSync(join(folder, f), 'utf8')).join('\n');
    for (const text of [r.stdout, r.stderr, written]) {
      expect(text).not.toContain('s3cr');
      expect(text).not.toContain('azure-user');
    }
  });
});

describe('stopping', () => {
  it('Ctrl-C while the simulator starts: the whole process group interrupted, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    const p = spawn(process.execPath, [CLI, '--rate', '5', '--duration', '2s', '--results-dir', dir, '--progress', 'none'], { detached: true });
    let stderr = '';
    p.stderr.on('data', (d) => {
      stderr += d;
      // the terminal's Ctrl-C reaches the parent and the simulator child alike
      if (stderr.includes('No --endpoint given')) process.kill(-p.pid!, 'SIGINT');
    });
    const end = await new Promise<string>((resolve) => p.on('close', (c, sig) => resolve(String(c ?? sig))));
    expect(stderr).not.toContain('ERR_IPC_CHANNEL_CLOSED');
    expect(stderr).not.toMatch(/\n\s+at /);
    // before the run's own signal handling exists, Ctrl-C ends the process as it ends any (the shell says 130)
    expect(['130', 'SIGINT']).toContain(end);
  });

  it('requests left in flight by an interrupt say so, not "drain timeout expired"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    const sockets = new Set<Socket>();
    let p: ReturnType<typeof spawn> | null = null;
    let held = 0;
    // holds every request; the second one held is the moment to interrupt (start-up time varies on a busy machine)
    const server = createServer(() => ++held === 2 && p!.kill('SIGINT'));
    server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      p = spawn(process.execPath, [CLI, '--endpoint', url, '--model', 'm', '--rate', '4', '--duration', '20s', '--workers', '1', '--results-dir', dir, '--progress', 'none']);
      const code = await new Promise<number | null>((resolve) => p!.on('close', resolve));
      expect(code).toBe(130);
      const rows = parse(readFileSync(join(dir, readdirSync(dir)[0], 'requests.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      const incomplete = rows.filter((x) => x.outcome === 'incomplete');
      expect(incomplete.length).toBeGreaterThanOrEqual(2);
      for (const row of incomplete) expect(row.error_message).toBe('still in flight when the run was stopped (received SIGINT)');
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });
});
