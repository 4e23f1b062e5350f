import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startStampServer } from '../../src/bench/stamp-server.js';
import { spawnCli } from './spawn-cli.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

describe('bench mode (--measure-error)', () => {
  it('the built-in simulator stamps every content chunk and the client reports each token\'s error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'at-bench-'));
    try {
      const out = execFileSync(process.execPath, [CLI, '--rate', '20', '--duration', '1s', '--max-tokens', '5', '--sim-decode-ms', '5', '--measure-error', '--json', '--progress', 'none', '--results-dir', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const s = JSON.parse(out);
      expect(s.requests.completed).toBe(20);
      const e = s.client.measurement_error;
      expect(e.ttft_ms.count).toBe(20);
      expect(e.itl_ms.count).toBe(80);
      // loopback delivery plus scheduling: positive, and far below a second even on a busy machine
      expect(e.itl_ms.min).toBeGreaterThan(0);
      expect(e.itl_ms.max).toBeLessThan(1000);
      expect(s.histograms.measurement_error_itl_ms.count).toBe(80);
      expect(s.client.memory_mb.rss_max).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the bench's stamp server (raw-socket endpoint)", () => {
  it.each(['http1', 'undici'])('serves keep-alive streams to --http-client %s, every token stamped and measured', async (client) => {
    const server = await startStampServer({ prefillMs: 5, decodeMs: 5 });
    try {
      const r = await spawnCli(['--endpoint', server.url, '--model', 'bench', '--tokenizer', 'none', '--http-client', client, '--rate', '20', '--duration', '1s', '--max-tokens', '6', '--workers', '1', '--measure-error']);
      expect(r.code).toBe(0);
      expect(r.summary.requests).toMatchObject({ sent: 20, completed: 20, failed: 0 });
      expect(r.summary.client.measurement_error.ttft_ms.count).toBe(20);
      expect(r.summary.client.measurement_error.itl_ms.count).toBe(100);
      expect(r.rows.every((row) => row.output_tokens === '6' && row.finish_reason === 'length')).toBe(true);
    } finally {
      await server.close();
    }
  });
});
