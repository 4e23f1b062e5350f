import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
