import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { accounted, spawnCli } from './spawn-cli.js';

const QUICK = ['--max-tokens', '8', '--sim-decode-ms', '5', '--sim-prefill-ms', '10', '--workers', '1'];

describe.concurrent('run folders never collide', () => {
  it('two runs launched at once, against names that slug alike (a/b, A/B), end in two complete folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    const [a, b] = await Promise.all(['a/b', 'A/B'].map((name) => spawnCli(['--rate', '10', '--duration', '1s', '--name', name, ...QUICK], { dir })));
    expect([a.code, b.code]).toEqual([0, 0]);
    const folders = readdirSync(dir).sort();
    expect(folders).toHaveLength(2);
    expect(folders.every((f) => /^\d{8}T\d{6}\.\d{3}Z-a-b(-2)?$/.test(f))).toBe(true);
    const printed = [a, b].map((r) => /results: (.*)/.exec(r.stderr)![1]).sort();
    expect(printed).toEqual(folders.map((f) => join(dir, f)));
    for (const f of folders) {
      const summary = JSON.parse(readFileSync(join(dir, f, 'summary.json'), 'utf8'));
      const csv = readFileSync(join(dir, f, 'requests.csv'), 'utf8');
      expect(summary.status).toBe('completed');
      expect(summary.run.id).toBe(f);
      expect(csv.match(/^id,worker,outcome/gm)).toHaveLength(1);
      expect(parse(csv, { columns: true })).toHaveLength(summary.requests.scheduled);
    }
  });

  it('a --run-id that holds a run is refused in one line (exit 2) and left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    mkdirSync(join(dir, 'nightly'));
    writeFileSync(join(dir, 'nightly', 'requests.csv'), 'id,worker\n');
    const r = await spawnCli(['--rate', '5', '--duration', '1s', '--run-id', 'nightly', ...QUICK], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^auto-testing: --run-id: '.*nightly' already holds a run/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(dir, 'nightly'))).toEqual(['requests.csv']);
    expect(readFileSync(join(dir, 'nightly', 'requests.csv'), 'utf8')).toBe('id,worker\n');
  });

  it.each([[''], ['../x']])('--run-id %j: one line naming the flag, exit 2, nothing written', async (id) => {
    const base = mkdtempSync(join(tmpdir(), 'at-e2e-'));
    const dir = join(base, 'results');
    const r = await spawnCli(['--rate', '5', '--duration', '1s', '--run-id', id], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^auto-testing: --run-id: /m);
    expect(readdirSync(base)).toEqual([]);
  });
});

/** A loopback HTTP server with `handle` for every request; its /v1 URL. */
async function serve(handle: (res: ServerResponse) => void): Promise<{ url: string; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => req.resume().on('end', () => handle(res)));
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server, sockets };
}

describe('the error rate counts every scheduled request that did not succeed', () => {
  let stop = () => {};
  afterEach(() => stop());

  it('a server sending only SSE keep-alive comments: 0 of 4 completed fails error_rate<=1%, the run is failed, exit 1', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const { url, server, sockets } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      timers.add(setInterval(() => res.write(': keep-alive\n\n'), 100));
    });
    stop = () => (timers.forEach(clearInterval), sockets.forEach((s) => s.destroy()), server.close());
    const r = await spawnCli(['--endpoint', url, '--model', 'm', '--rate', '4', '--duration', '1s', '--workers', '1', '--ttft-timeout', '1s', '--slo', 'error_rate<=1%']);
    expect(r.code).toBe(1);
    const s = r.summary;
    expect(s.requests.scheduled).toBe(4);
    expect(s.requests.completed).toBe(0);
    expect(s.error_rate).toBe(1);
    expect(s.definitions.error_rate).toMatch(/^\(scheduled - completed\) \/ scheduled/);
    expect(s.slo.passed).toBe(false);
    expect(s.status).toBe('failed');
    expect(s.status_reason).toMatch(/^no request succeeded \(4 scheduled: 4 failed\)/);
    expect(s.schema_version).toBeGreaterThanOrEqual(8);
  });

  it('a server holding every connection, --max-in-flight 2: 0 of 30 completed, 28 dropped, error rate 100 %, exit 1', async () => {
    const { url, server, sockets } = await serve(() => {});
    stop = () => (sockets.forEach((s) => s.destroy()), server.close());
    const r = await spawnCli(['--endpoint', url, '--model', 'm', '--rate', '30', '--duration', '1s', '--workers', '1', '--max-in-flight', '2', '--ttft-timeout', '1s', '--slo', 'error_rate<=1%']);
    expect(r.code).toBe(1);
    const s = r.summary;
    expect(s.requests).toMatchObject({ scheduled: 30, completed: 0, dropped: 28 });
    expect(accounted(s)).toBe(30);
    expect(s.error_rate).toBe(1);
    // the figure schema 6 called error_rate, kept under its own name
    expect(s.error_rate_of_sent).toBe(1);
    expect(s.slo.results[0]).toMatchObject({ metric: 'error_rate', passed: false });
    expect(s.status).toBe('failed');
  });
});
