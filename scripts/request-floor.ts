/**
 * `node dist/scripts/request-floor.js PORT COUNT RATE`: the bare per-request floor
 * (src/bench/request-floor.ts) in its own process, printed as JSON.
 */
import { requestFloor } from '../src/bench/request-floor.js';

const [port, count, rate] = process.argv.slice(2).map(Number);
if (![port, count, rate].every((v) => Number.isFinite(v) && v > 0)) {
  process.stderr.write('usage: request-floor.js PORT COUNT RATE (all > 0)\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await requestFloor(port, count, rate))}\n`);
process.exit(0);
