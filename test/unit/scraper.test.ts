import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Scraper } from '../../src/server-metrics/scraper.js';
import { startServerMetrics } from '../../src/server-metrics/session.js';
import { startSim } from '../../src/sim/server.js';
import { parsePromText } from '../../src/server-metrics/prom-text.js';
import { knownSnapshot } from '../../src/server-metrics/snapshot.js';
import { summariseServerMetrics } from '../../src/server-metrics/summarise.js';
import { SIM_DEFAULTS } from '../../src/sim/options.js';

type Handler = (res: ServerResponse) => void;

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: Handler): Promise<string> {
  const s = createServer((req, res) => handler(res));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`;
}

const clock = () => performance.now();

function scraper(url: string, limits = { timeoutMs: 300, maxBytes: 1024 * 1024 }) {
  return new Scraper({ url, intervalMs: 1000, limits, clockMs: clock });
}

describe('scraper: every scrape bounded, every failure counted, nothing thrown', () => {
  it('a page of metrics is one successful scrape with its known series', async () => {
    const url = await serve((res) => res.end('vllm:num_requests_waiting{engine="0"} 3\n'));
    const s = scraper(url);
    expect(await s.scrapeOnce()).toBe(true);
    const out = await s.stop(false);
    expect(out.counts).toMatchObject({ attempted: 1, ok: 1, failed: 0 });
    expect(out.snapshots[0].gauges.queue).toBe(3);
  });

  it('a server that never answers: a timeout within the bound', async () => {
    const url = await serve(() => undefined);
    const s = scraper(url);
    const t = performance.now();
    expect(await s.scrapeOnce()).toBe(false);
    expect(performance.now() - t).toBeLessThan(2000);
    expect((await s.stop(false)).counts).toMatchObject({ failed: 1, errors: { timeout: 1 } });
  });

  it('headers then a body trickling forever: a timeout too (the bound is the whole scrape)', async () => {
    const url = await serve((res) => {
      res.writeHead(200);
      const t = setInterval(() => res.write('a'), 20);
      res.on('close', () => clearInterval(t));
    });
    const s = scraper(url);
    expect(await s.scrapeOnce()).toBe(false);
    expect((await s.stop(false)).counts.errors).toEqual({ timeout: 1 });
  });

  it('megabytes without a newline: too_large once past the byte bound', async () => {
    const url = await serve((res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(4 * 1024 * 1024, 'x'));
    });
    const s = scraper(url);
    expect(await s.scrapeOnce()).toBe(false);
    expect((await s.stop(false)).counts.errors).toEqual({ too_large: 1 });
  });

  it('an HTML error page with 200, a 500, and a refused connection: parse, http_status, connect', async () => {
    const html = await serve((res) => res.end('<html><body>\x1b[31mred</body></html>'));
    const status = await serve((res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    const closed = await serve(() => undefined);
    const port = new URL(closed).port;
    const last = servers.pop()!;
    await new Promise((r) => last.close(r));
    for (const [url, cls] of [[html, 'parse'], [status, 'http_status'], [`http://127.0.0.1:${port}/metrics`, 'connect']] as const) {
      const s = scraper(url);
      expect(await s.scrapeOnce()).toBe(false);
      const c = (await s.stop(false)).counts;
      expect(c.errors, url).toEqual({ [cls]: 1 });
      expect(c.first_error).not.toMatch(/[\x00-\x1f]/);
    }
  });

  it('garbage lines among good ones: the good samples kept, the bad counted', async () => {
    const url = await serve((res) => res.end('ok 1\nnot a sample at all\nvllm:num_requests_running 2\n'));
    const s = scraper(url);
    expect(await s.scrapeOnce()).toBe(true);
    expect((await s.stop(false)).counts).toMatchObject({ ok: 1, invalid_lines: 1 });
  });

  it('a tick that finds the previous scrape in flight is skipped, never overlapped', async () => {
    const url = await serve((res) => setTimeout(() => res.end('a 1\n'), 150));
    const s = new Scraper({ url, intervalMs: 40, limits: { timeoutMs: 1000, maxBytes: 1024 }, clockMs: clock });
    s.start();
    await new Promise((r) => setTimeout(r, 400));
    const c = (await s.stop(false)).counts;
    expect(c.skipped).toBeGreaterThan(0);
    expect(c.ok).toBe(c.attempted);
  });
});

describe('the simulator\'s /metrics, scraped while it serves', () => {
  it('publishes vLLM names; waiting matches the engine\'s own queue; server_metrics.csv holds every sample', async () => {
    const sim = await startSim({ ...SIM_DEFAULTS, slots: 2, decodeMs: 20, tokenizer: 'none' });
    const folder = mkdtempSync(join(tmpdir(), 'at-scrape-'));
    try {
      const endpoint = sim.url;
      const run = await startServerMetrics({ spec: 'auto', intervalMs: 100, endpoint, headers: {}, insecure: false }, folder, () => undefined);
      const t0 = process.hrtime.bigint();
      run.setOrigin(t0);
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20, stream: true });
      const requests = Array.from({ length: 8 }, () => request(`${endpoint}/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.body.text()));
      await Promise.all(requests);
      const end = Number(process.hrtime.bigint() - t0) / 1e6;
      const s = await run.finish(end, { ttft_s: null, itl_ms: null });
      expect(s.engine).toBe('vllm');
      expect(s.scrapes.failed).toBe(0);
      // 8 at once on 2 slots: 6 wait until the first two finish (20 tokens x 20 ms), a plateau the scrapes see
      expect(sim.engine.peakQueued).toBe(6);
      expect(s.queue_depth!.max).toBe(sim.engine.peakQueued);
      expect(s.running!.max).toBe(2);
      expect(s.kv_cache_usage!.max).toBeGreaterThan(0);
      expect(s.ttft_s!.server.count).toBe(8);
      expect(s.itl_ms!.server.count).toBe(8 * 19);
      // decode 20 ms per token, read from vLLM's buckets in ms: a late tick lengthens one gap and the catch-up
      // shortens the next (9.4 ms seen at a load of 14), so only a unit or differencing error falls outside
      expect(s.itl_ms!.server.p50).toBeGreaterThan(2.5);
      expect(s.itl_ms!.server.p50).toBeLessThanOrEqual(50);
      // the prefix cache is on by default; 'hi' fills no whole block, so nothing is ever found in it
      expect(s.cache_hit_rate).toBe(0);
      const rows = parse(readFileSync(join(folder, 'server_metrics.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(Object.keys(rows[0])).toEqual(['t_ms', 'metric', 'labels', 'value']);
      const waiting = rows.filter((r) => r.metric === 'vllm:num_requests_waiting');
      expect(waiting.length).toBe(s.scrapes.ok);
      expect(Math.max(...waiting.map((r) => Number(r.value)))).toBe(6);
      expect(waiting[0].labels).toBe('{engine="0",model_name="auto-testing-sim"}');
    } finally {
      await sim.close();
    }
  });

  it('publishes the prefix-cache counters only when the simulator has a cache; a repeated prompt shows as hits', async () => {
    const off = await startSim({ ...SIM_DEFAULTS, tokenizer: 'none', prefixCacheTokens: 0 });
    try {
      const page = await (await request(`${new URL(off.url).origin}/metrics`)).body.text();
      expect(page).not.toContain('prefix_cache');
      expect(page).toContain('# TYPE vllm:time_to_first_token_seconds histogram');
    } finally {
      await off.close();
    }
    const sim = await startSim({ ...SIM_DEFAULTS, tokenizer: 'none', decodeMs: 1 });
    try {
      const origin = new URL(sim.url).origin;
      const scrape = async (t: number) => knownSnapshot(t, parsePromText(await (await request(`${origin}/metrics`)).body.text()).samples);
      const before = await scrape(-1);
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'a long shared prompt '.repeat(40) }], max_tokens: 2, stream: true });
      for (let i = 0; i < 2; i++) await (await request(`${sim.url}/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).body.text();
      const after = await scrape(10);
      const s = summariseServerMetrics({ url: 'u', source: 'auto', intervalMs: 1000, scrapes: scraper('http://x').counts(), snapshots: [before, after], endMs: 5, client: { ttft_s: null, itl_ms: null } });
      expect(after.sources).toMatchObject({ cache_hits: 'vllm:prefix_cache_hits_total', cache_queries: 'vllm:prefix_cache_queries_total' });
      // the second request finds the first one's blocks: close to half of all prompt tokens queried were hits
      expect(s.cache_hit_rate).toBeGreaterThan(0.3);
      expect(s.cache_hit_rate).toBeLessThanOrEqual(0.5);
    } finally {
      await sim.close();
    }
  });
});

describe('the session', () => {
  it("'auto' with no metrics at the origin: tried once, reported, no more scrapes; a URL goes on counting failures", async () => {
    let hits = 0;
    const url = await serve((res) => {
      hits++;
      res.statusCode = 404;
      res.end('not found');
    });
    const endpoint = url.replace('/metrics', '/v1');
    const logs: string[] = [];
    const folder = mkdtempSync(join(tmpdir(), 'at-scrape-'));
    const auto = await startServerMetrics({ spec: 'auto', intervalMs: 100, endpoint, headers: {}, insecure: false }, folder, (l) => logs.push(l));
    auto.setOrigin(process.hrtime.bigint());
    await new Promise((r) => setTimeout(r, 350));
    const a = await auto.finish(350, { ttft_s: null, itl_ms: null });
    expect(a.scrapes).toMatchObject({ attempted: 1, failed: 1, errors: { http_status: 1 } });
    expect(logs[0]).toContain('did not answer with metrics (http_status: HTTP 404); not scraping (--server-metrics auto)');
    const flag = await startServerMetrics({ spec: url, intervalMs: 100, endpoint, headers: {}, insecure: false }, folder, () => undefined);
    flag.setOrigin(process.hrtime.bigint());
    // counted by the server's own hits, not by a sleep that a busy machine's timers can stretch
    const seen = hits;
    while (hits < seen + 4) await new Promise((r) => setTimeout(r, 20));
    const f = await flag.finish(350, { ttft_s: null, itl_ms: null });
    expect(f.scrapes.failed).toBeGreaterThanOrEqual(4);
    expect(f.source).toBe('flag');
  });

  it('sends the run\'s headers only to the endpoint\'s own origin', async () => {
    const seen: (string | undefined)[] = [];
    const url = await serve((res) => res.end('a 1\n'));
    const s = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('a 1\n');
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const same = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    const folder = mkdtempSync(join(tmpdir(), 'at-scrape-'));
    for (const spec of ['auto', url]) {
      const run = await startServerMetrics({ spec, intervalMs: 1000, endpoint: `${same}/v1`, headers: { authorization: 'Bearer sk-secret' }, insecure: false }, folder, () => undefined);
      await run.finish(0, { ttft_s: null, itl_ms: null });
    }
    expect(seen).toEqual(['Bearer sk-secret', 'Bearer sk-secret']);
  });
});
