import type { PacerSpec } from '../workers/messages.js';
import { constantPacer, type Pacer } from './pacer.js';

/** Builds the pacer a spec names; the same spec gives the same schedule in every thread and shard. */
export function pacerFrom(spec: PacerSpec): Pacer {
  switch (spec.kind) {
    case 'constant':
      return constantPacer(spec.rate, spec.durationMs);
  }
}
