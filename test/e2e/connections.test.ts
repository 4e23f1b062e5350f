import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** The one run folder's summary.json. */
function summary(dir: string) {
  const [folder] = readdirSync(dir);
  return JSON.parse(readFileSync(join(dir, folder, 'summary.json'), 'utf8'));
}

// 20 req/s for 1 s against the simulator, each request ~0.4 s long: about 8 in flight at once
const LOAD = ['--rate', '20', '--duration', '1s', '--max-tokens', '20', '--tokenizer', 'none', '--workers', '1', '--sim-prefill-ms', '100', '--sim-decode-ms', '15'];

describe('connections, end to end', () => {
  it('--connections 3: three connections, opened before t0, never a fourth; arrivals finding them busy are dropped and counted', async () => {
    const r = await runCli([...LOAD, '--connections', '3']);
    expect(r.code, r.stderr).toBe(0);
    const s = summary(r.dir);
    expect(s.requests.dropped).toBeGreaterThan(0);
    expect(s.requests.completed + s.requests.dropped).toBe(20);
    expect(s.phases.connections.new).toBe(3);
    expect(s.phases.connections.reused).toBe(s.requests.completed - 3);
    expect(s.warnings.join('\n')).toContain('--connections reached');
    expect(r.stdout).toMatch(/phases p50 \(ms\) {2}connections 3 new, \d+ reused/);
  });

  it('--new-connection-per-request: every request on a connection of its own', async () => {
    const r = await runCli([...LOAD, '--new-connection-per-request']);
    expect(r.code, r.stderr).toBe(0);
    const s = summary(r.dir);
    expect(s.requests.completed).toBe(20);
    expect(s.phases.connections).toEqual({ new: 20, reused: 0, unknown: 0 });
    expect(s.phases.stats.connect_ms.count).toBe(20);
  });
});
