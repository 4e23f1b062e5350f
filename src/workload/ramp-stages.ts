import { parseDuration } from '../config/duration.js';

export interface RampStage {
  /** Target rate (requests/s) reached at the end of the stage. */
  rate: number;
  durationMs: number;
}

/** Parses k6-style stages `1:30s,10:60s,20:30s` (target rate : stage duration); null when malformed. */
export function parseRamp(text: string): RampStage[] | null {
  const stages: RampStage[] = [];
  for (const part of text.split(',')) {
    const [rate, dur, extra] = part.trim().split(':');
    const ms = dur === undefined ? null : parseDuration(dur);
    const r = Number(rate);
    if (extra !== undefined || ms === null || ms <= 0 || rate.trim() === '' || !Number.isFinite(r) || r < 0) return null;
    stages.push({ rate: r, durationMs: ms });
  }
  return stages;
}
