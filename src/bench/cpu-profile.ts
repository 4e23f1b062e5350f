/** The parts of a V8 `.cpuprofile` (Chrome DevTools format) that self time is read from. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  /** `function file:line` (file without its folder), or `(garbage collector)` / `(program)` as V8 names them. */
  frame: string;
  /** Its share of the busy samples of every thread. */
  share: number;
  /** That share of the measured CPU per request, us. */
  us: number;
}

/** Frames that are a thread waiting, not working: the idle loop and the waker's helper in Atomics.wait. */
const WAITING = /^\(idle\)$|\[worker eval\]/;

/**
 * The `top` frames by self samples over the profiles of every thread of one run, after each profile's first
 * `skipMs` (start-up: module loading, JIT), as shares of the busy samples and those shares of `cpuUsPerRequest`
 * (the process CPU per request measured apart). Sample counts, not the profiler's time deltas: on a busy
 * machine the sampler thread itself is late, which would weigh whatever ran before each late tick.
 */
export function topFrames(profiles: readonly CpuProfile[], cpuUsPerRequest: number, skipMs: number, top = 10): Frame[] {
  const counts = new Map<string, number>();
  let busy = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    let t = 0;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i] ?? 0;
      const n = byId.get(p.samples[i]);
      if (t < skipMs * 1000 || !n) continue;
      const name = frameName(n);
      if (WAITING.test(name)) continue;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      busy++;
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, n]) => ({ frame, share: round(n / busy), us: round((n / busy) * cpuUsPerRequest) }));
}

function frameName(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.split('/').pop() ?? '';
  return file ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
