/**
 * `node dist/scripts/socket-floor.js PORT STREAMS TOKENS RATE`: the bare-socket floor of a token event
 * (src/bench/socket-floor.ts) in its own process, printed as JSON.
 */
import { socketFloor } from '../src/bench/socket-floor.js';

const [port, streams, tokens, rate] = process.argv.slice(2).map(Number);
if (![port, streams, tokens, rate].every((v) => Number.isFinite(v) && v > 0)) {
  process.stderr.write('usage: socket-floor.js PORT STREAMS TOKENS RATE (all > 0)\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await socketFloor(port, streams, tokens, rate))}\n`);
process.exit(0);
