import type { LiveStatus } from '../metrics/progress.js';

export type ProgressMode = 'tty' | 'plain' | 'none';

const PLAIN_EVERY_MS = 10_000;

function line(s: LiveStatus): string {
  const el = (s.elapsedMs / 1000).toFixed(0);
  const tot = (s.totalMs / 1000).toFixed(0);
  return `[${el}s/${tot}s] sent ${s.sent}  in flight ${s.inFlight}  done ${s.done}  errors ${s.failed}  dropped ${s.dropped}  total TPS ${s.totalTps.toFixed(0)}`;
}

/** A live one-line status on a terminal, a line every 10 s otherwise, nothing when disabled. */
export function progressPrinter(mode: ProgressMode, out: NodeJS.WriteStream = process.stderr): { update(s: LiveStatus): void; end(): void } {
  let lastPlain = -Infinity;
  let drawn = false;
  return {
    update(s) {
      if (mode === 'tty') {
        out.write(`\r\x1b[2K${line(s)}`);
        drawn = true;
      } else if (mode === 'plain' && s.elapsedMs - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = s.elapsedMs;
        out.write(`${line(s)}\n`);
      }
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}

export function resolveProgressMode(flag: string, isTty: boolean): ProgressMode {
  if (flag === 'auto') return isTty && !process.env.CI ? 'tty' : 'plain';
  return flag as ProgressMode;
}
