import type { LiveStatus } from '../metrics/progress.js';

export type ProgressMode = 'tty' | 'plain' | 'none';

const PLAIN_EVERY_MS = 10_000;
const BAR_CELLS = 20;
/** The achieved send rate is measured over about this much of the recent past. */
const RATE_WINDOW_MS = 1_000;

function line(s: LiveStatus): string {
  const el = (s.elapsedMs / 1000).toFixed(0);
  const tot = (s.totalMs / 1000).toFixed(0);
  return `[${el}s/${tot}s] sent ${s.sent}  in flight ${s.inFlight}  done ${s.done}  errors ${s.failed}  dropped ${s.dropped}  total TPS ${s.totalTps.toFixed(0)}`;
}

/**
 * The terminal's bar: percent of the duration with an ETA (or "draining" past it), the achieved send
 * rate beside the offered one, in flight, done, errors and dropped, total TPS; cut to the terminal's
 * width so a redraw never wraps.
 */
export function progressBar(s: LiveStatus, achievedRate: number | null, offeredRate: number | null, columns = 120): string {
  const frac = s.totalMs > 0 ? Math.min(1, s.elapsedMs / s.totalMs) : 0;
  const full = Math.round(frac * BAR_CELLS);
  const left = Math.max(0, s.totalMs - s.elapsedMs);
  const eta = left > 0 ? `ETA ${Math.ceil(left / 1000)}s` : `draining ${s.inFlight}`;
  const rate = `${achievedRate === null ? '-' : achievedRate.toFixed(1)}${offeredRate === null ? '' : `/${offeredRate.toFixed(1)}`} req/s`;
  const text =
    `[${'#'.repeat(full)}${'.'.repeat(BAR_CELLS - full)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${(s.elapsedMs / 1000).toFixed(0)}s/${(s.totalMs / 1000).toFixed(0)}s  ${eta}` +
    `  ${rate}  in flight ${s.inFlight}  done ${s.done}  errors ${s.failed}  dropped ${s.dropped}  TPS ${s.totalTps.toFixed(0)}`;
  return text.length > columns - 1 ? text.slice(0, Math.max(0, columns - 1)) : text;
}

/** Sends per second over the last ~second of updates (null until two updates span some time). */
function rateMeter(): { rate(s: LiveStatus): number | null; reset(): void } {
  const seen: { t: number; sent: number }[] = [];
  return {
    rate(s) {
      seen.push({ t: s.elapsedMs, sent: s.sent });
      while (seen.length > 2 && s.elapsedMs - seen[1].t >= RATE_WINDOW_MS) seen.shift();
      const dt = s.elapsedMs - seen[0].t;
      return dt > 0 ? ((s.sent - seen[0].sent) * 1000) / dt : null;
    },
    reset: () => void seen.splice(0),
  };
}

type Out = Pick<NodeJS.WritableStream, 'write'> & { columns?: number };

/**
 * A live bar on a terminal, a line every 10 s otherwise, nothing when disabled. `end()` closes the
 * bar, or (plain) prints the last status when it was not the last line printed, so a run shorter than
 * 10 s without a terminal still ends on its final counts instead of `sent 1`.
 */
export function progressPrinter(mode: ProgressMode, out: Out = process.stderr, offeredRate: number | null = null): { update(s: LiveStatus): void; end(): void } {
  let lastPlain = -Infinity;
  let drawn = false;
  let pending: LiveStatus | null = null;
  const meter = rateMeter();
  return {
    update(s) {
      if (mode === 'tty') {
        out.write(`\r\x1b[2K${progressBar(s, meter.rate(s), offeredRate, out.columns || 120)}`);
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
      meter.reset();
    },
  };
}

export function resolveProgressMode(flag: string, isTty: boolean): ProgressMode {
  if (flag === 'auto') return isTty && !process.env.CI ? 'tty' : 'plain';
  return flag as ProgressMode;
}
