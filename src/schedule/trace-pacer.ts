import type { Pacer } from './pacer.js';

/** A replayed trace: arrival i is due at its own offset, whatever the gaps (an absolute schedule). */
export function tracePacer(dueMs: readonly number[]): Pacer {
  return {
    name: 'trace',
    total: dueMs.length,
    dueMs: (i) => (i < dueMs.length ? dueMs[i] : null),
  };
}
