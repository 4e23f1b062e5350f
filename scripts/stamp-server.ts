/**
 * `node dist/scripts/stamp-server.js [--port P] [--prefill-ms MS] [--decode-ms MS]`: the benchmark's
 * stamped endpoint in its own process (src/bench/stamp-server.ts). Prints its base URL on stdout (and to
 * the parent over IPC when forked), then serves until killed or its parent goes away. Forked, it answers
 * the message 'arrivals' with the requests it received (schedule index, monotonic ms) and its own CPU.
 */
import { startStampServer } from '../src/bench/stamp-server.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    process.stderr.write(`--${name}: must be a number >= 0, got '${process.argv[i + 1]}'\n`);
    process.exit(2);
  }
  return v;
}

const server = await startStampServer({ prefillMs: flag('prefill-ms', 20), decodeMs: flag('decode-ms', 20) }, flag('port', 0));
process.stdout.write(`${server.url}\n`);
if (process.send) {
  process.send({ url: server.url });
  process.on('message', (m) => {
    if (m === 'arrivals') process.send!({ arrivals: server.arrivals.splice(0) });
  });
  process.on('disconnect', () => process.exit(0));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void server.close().then(() => process.exit(0)));
