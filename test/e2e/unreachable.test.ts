import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

const LOAD = ['--model', 'm', '--rate', '5', '--duration', '1s', '--workers', '1'];

/**
 * A loopback listener whose accept queue is full: its process blocks right after listen(backlog 1), so it
 * never accepts; once two connections wait in the queue the kernel drops every further SYN (Linux,
 * tcp_abort_on_overflow = 0), and a connect neither succeeds nor is refused: a true connect timeout.
 */
async function fullBacklog(): Promise<{ port: number; close: () => void }> {
  const blocked = `const s = require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
    process.stdout.write(s.address().port + '\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', blocked]);
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d)))));
  // the two the queue holds; a third would hang like the tool's own connects
  const fillers: Socket[] = [];
  await Promise.all([0, 1].map(() => new Promise((resolve) => fillers.push(connect(port, '127.0.0.1', () => resolve(null))))));
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    },
  };
}

describe('endpoints that cannot be reached', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('a host name that does not resolve (.invalid, reserved never to resolve): every request dns', async () => {
    // a long connect timeout so a slow resolver still ends in its own answer (dns), never connect_timeout
    const r = await spawnCli(['--endpoint', 'http://nonexistent.invalid:8000/v1', ...LOAD, '--connect-timeout', '30s']);
    // nothing succeeded: a failed run
    expect(r.code).toBe(1);
    expect(r.summary.status_reason).toBe('no request succeeded (5 scheduled: 5 failed)');
    expect(r.summary.errors).toEqual({ dns: 5 });
    expect(r.rows.every((x) => x.outcome === 'failed' && x.error_message.includes('nonexistent.invalid'))).toBe(true);
  });

  it('a loopback listener that never completes the handshake: every request connect_timeout after --connect-timeout', async () => {
    const server = await fullBacklog();
    cleanup = server.close;
    const r = await spawnCli(['--endpoint', `http://127.0.0.1:${server.port}/v1`, ...LOAD, '--connect-timeout', '300ms', '--ttft-timeout', '5s']);
    expect(r.code).toBe(1);
    expect(r.summary.errors).toEqual({ connect_timeout: 5 });
    expect(r.rows[0].error_message).toContain('--connect-timeout');
    expect(r.rows.every((x) => Number(x.end_ms) - Number(x.sent_ms) >= 300)).toBe(true);
    expect(Object.keys(r.summary.client.handles_at_end)).toEqual(['MessagePort']);
  });
});
