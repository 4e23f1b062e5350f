import { burstPacer, constantPacer, gammaPacer, synthesizerPacer, type Pacer } from './pacer.js';
import { gammaSample, seededRandom } from './random.js';
import { rampPacer } from './ramp.js';
import { tracePacer } from './trace-pacer.js';

export const ARRIVALS = ['constant', 'poisson', 'burst', 'synthesizer'] as const;
export type ArrivalName = (typeof ARRIVALS)[number];

/** An arrival model as plain data: what crosses to the worker threads and shards, each building the same pacer. */
export type PacerSpec =
  | { kind: 'constant'; rate: number; durationMs: number }
  | { kind: 'burst'; rate: number; durationMs: number }
  /** The seed script's: 1 at t = 0, then `rate` at each whole second. */
  | { kind: 'synthesizer'; rate: number; durationMs: number }
  | { kind: 'poisson'; rate: number; durationMs: number; burstiness: number; seed: number }
  | { kind: 'ramp'; startRate: number; stages: { rate: number; durationMs: number }[] }
  /** A replayed trace: each arrival at its own offset (ms after t0). */
  | { kind: 'trace'; dueMs: number[] };

/** Builds the pacer a spec names; the same spec gives the same schedule in every thread and shard. */
export function pacerFrom(spec: PacerSpec): Pacer {
  switch (spec.kind) {
    case 'constant':
      return constantPacer(spec.rate, spec.durationMs);
    case 'burst':
      return burstPacer(spec.rate, spec.durationMs);
    case 'synthesizer':
      return synthesizerPacer(spec.rate, spec.durationMs);
    case 'poisson': {
      const rand = seededRandom(spec.seed);
      return gammaPacer(spec.rate, spec.durationMs, spec.burstiness, (shape, scale) => gammaSample(rand, shape, scale));
    }
    case 'ramp':
      return rampPacer(spec.startRate, spec.stages);
    case 'trace':
      return tracePacer(spec.dueMs);
  }
}
