import type { LiveStatus } from '../metrics/progress.js';

export type ProgressMode = 'tty' | 'plain' | 'none';

const PLAIN_EVERY_MS = 10_000;

function line(s: LiveStatus): string {
  const el = (s.elapsedMs / 1000).toFixed(0);
  const tot = (s.totalMs / 1000).toFixed(0);
  return `[${el}s/${tot}s] sent ${s.sent}  in flight ${s.inFlight}  done ${s.done}  errors ${s.failed}  dropped ${s.dropped}  total TPS ${s.totalTps.toFixed(0)}`;
}

type Out = Pick<NodeJS.WritableStream, 'write'>;

/**
 * A live one-line status on a terminal, a line every 10 s otherwise, nothing when disabled. `end()`
 * closes the live line, or (plain) prints the last status when it was not the last line printed, so a
 * run shorter than 10 s without a terminal still ends on its final counts instead of `sent 1`.
 */
export function progressPrinter(mode: ProgressMode, out: Out = process.stderr): { update(s: LiveStatus): void; end(): void } {
  let lastPlain = -Infinity;
  let drawn = false;
  let pending: LiveStatus | null = null;
  return {
    update(s) {
      if (mode === 'tty') {
        out.write(`\r\x1b[2K${line(s)}`);
        drawn = true;
      } else if (mode === 'plain') {
        pending = s;
        if (s.elapsedMs - lastPlain < PLAIN_EVERY_MS) return;
        lastPlain = s.elapsedMs;
        out.write(`${line(s)}\n`);
        pending = null;
      }
    },
    end() {
      if (drawn) out.write('\n');
      if (pending) out.write(`${line(pending)}\n`);
      drawn = false;
      pending = null;
      // a command of several runs (capacity steps) starts each one's clock at 0
      lastPlain = -Infinity;
    },
  };
}

export function resolveProgressMode(flag: string, isTty: boolean): ProgressMode {
  if (flag === 'auto') return isTty && !process.env.CI ? 'tty' : 'plain';
  return flag as ProgressMode;
}
