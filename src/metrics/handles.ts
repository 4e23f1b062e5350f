/**
 * Resources (sockets, timers, ports, ...) a worker thread still holds once it has closed everything it
 * opened: counted by type from `process.getActiveResourcesInfo()`. After a clean end only its message
 * ports remain, so any socket or timer here is a leak, visible in every summary without a debugger.
 */
export type HandleCounts = Record<string, number>;

export function handlesNow(): HandleCounts {
  return addHandles(process.getActiveResourcesInfo().map((type) => ({ [type]: 1 })));
}

/** Counts of several threads or shards, added type by type. */
export function addHandles(all: readonly HandleCounts[]): HandleCounts {
  const out: HandleCounts = {};
  for (const counts of all) for (const [type, n] of Object.entries(counts)) out[type] = (out[type] ?? 0) + n;
  return out;
}
