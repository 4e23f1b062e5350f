/**
 * Resources (sockets, timers, ports, ...) a worker thread still holds once it has closed everything it
 * opened: counted by type from `process.getActiveResourcesInfo()`. After a clean end only its message
 * ports remain, so any socket or timer here is a leak, visible in every summary without a debugger.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

export type HandleCounts = Record<string, number>;

/** Loop turns a socket destroyed just before the count may need: libuv frees a handle in the close phase
 *  of a later turn. A handle that is still there after these is held, not closing. */
const SETTLE_TURNS = 10;

function handlesNow(): HandleCounts {
  return addHandles(process.getActiveResourcesInfo().map((type) => ({ [type]: 1 })));
}

/** The count once handles closed a moment ago are gone: at most SETTLE_TURNS turns of the event loop. */
export async function handlesSettled(): Promise<HandleCounts> {
  for (let i = 0; i < SETTLE_TURNS && process.getActiveResourcesInfo().some((t) => t !== 'MessagePort'); i++) await nextTurn();
  return handlesNow();
}

/** Counts of several threads or shards, added type by type. */
export function addHandles(all: readonly HandleCounts[]): HandleCounts {
  const out: HandleCounts = {};
  for (const counts of all) for (const [type, n] of Object.entries(counts)) out[type] = (out[type] ?? 0) + n;
  return out;
}
