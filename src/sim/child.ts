import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SimOptions } from './options.js';

export interface SimChild {
  url: string;
  stop(): Promise<void>;
}

function cliFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/\/src\/sim\/child\.ts$/, '/dist/src/cli/main.js') : here.replace(/sim\/child\.js$/, 'cli/main.js');
}

/** The simulator flags that reproduce `o` (shared by the child launcher and the docs). */
export function simArgs(o: SimOptions): string[] {
  return [
    '--slots', String(o.slots), '--prefill-ms', String(o.prefillMs), '--prefill-per-token-ms', String(o.prefillPerTokenMs),
    '--decode-ms', String(o.decodeMs), '--decode-growth', String(o.decodeGrowth), '--model', o.model,
    ...(o.stamp ? ['--stamp'] : []),
    '--tokens-per-chunk', o.tokensPerChunk, '--reasoning-tokens', String(o.reasoningTokens), '--stop-early', String(o.stopEarly),
    '--usage-skew', String(o.usageSkew), '--seed', String(o.seed), '--wrong-answers', String(o.wrongAnswers),
    '--faults', o.faults, '--tokenizer', o.tokenizer, '--chat-template', o.chatTemplate,
    '--prefix-cache-tokens', String(o.prefixCacheTokens), '--prefix-block-tokens', String(o.prefixBlockTokens),
  ];
}

/**
 * A loopback port free right now: the simulator is told to listen on it, so its address is known (and the
 * workers can start) while its process is still starting.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs the simulated endpoint in its own process, so its CPU never competes with the generator's
 * event loops inside one process. The child exits when its parent does (IPC disconnect).
 */
export function startSimChild(o: SimOptions, port = 0): Promise<SimChild> {
  const child: ChildProcess = fork(cliFile(), ['sim', '--port', String(port), '--ipc-ready', ...simArgs(o)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`built-in simulator did not start: ${why}`));
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code) => fail(`exited with code ${code}`));
    child.once('message', (m: { url?: string }) => {
      if (!m?.url) return fail('no address reported');
      child.removeAllListeners('exit');
      resolve({
        url: m.url,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            if (child.connected) child.disconnect();
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
