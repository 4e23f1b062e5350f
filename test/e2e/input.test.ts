import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

describe.concurrent('bad input: one line per problem naming the flag, exit code 2, nothing sent', () => {
  it.each([
    [['--rate', 'abc'], '--rate: must be a number'],
    [['--ttft-timeout', '5 parsecs'], '--ttft-timeout:'],
    [['--stall-timeout', '0'], '--stall-timeout:'],
    [['--max-response-bytes', '-1'], '--max-response-bytes: must be an integer >= 0'],
    [['--sim-faults', 'boom:0.1'], '--sim-faults: must be KIND:PROBABILITY'],
    [['--sim-faults', 'stall:0.7,reset:0.7'], "adding up to at most 1, got 'stall:0.7,reset:0.7'"],
    [['--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--api-key-env', 'AUTO_TESTING_SURELY_UNSET_VAR'], '--api-key-env: environment variable AUTO_TESTING_SURELY_UNSET_VAR is not set'],
  ])('%j', async (args, line) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(line);
  });

  it('every problem at once, each on its own line, before anything starts', async () => {
    const r = await runCli(['--rate', '-3', '--duration', 'soon', '--endpoint', 'localhost:8000/v1', '--api', 'nope', '--stall-timeout', 'x']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('auto-testing: --'));
    expect(lines.map((l) => l.split(':')[1].trim())).toEqual(expect.arrayContaining(['--rate', '--duration', '--endpoint', '--api', '--stall-timeout']));
    expect(r.stderr).not.toContain('SIMULATED');
  });

  it('`sim --faults` is validated the same way', async () => {
    const r = spawnSync(process.execPath, [CLI, 'sim', '--port', '0', '--faults', 'stall:2'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--faults:');
  });

  it('a malformed Chatbot Arena record: one line naming the file and the record, exit 2, nothing sent to the endpoint', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const good = { question_id: 'q1', conversation_a: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], turn: 1, tstamp: 1 };
    const f = join(mkdtempSync(join(tmpdir(), 'at-arena-e2e-')), 'arena.jsonl');
    writeFileSync(f, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, conversation_a: [{ role: 'user' }] })}\n`);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const r = await runCli(['--workload', join(import.meta.dirname, '..', '..', 'workloads', 'auto-testing-seed.yaml'), '--dataset', f, '--endpoint', url, '--model', 'm', '--duration', '2s']);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('auto-testing:'))).toEqual([expect.stringMatching(new RegExp(`^auto-testing: ${f}:2: conversation_a\\[0\\]\\.content must be a string; write `))]);
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  });
});
