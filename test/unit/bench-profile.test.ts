import { describe, expect, it } from 'vitest';
import { topFrames, type CpuProfile } from '../../src/bench/cpu-profile.js';

const node = (id: number, functionName: string, url = '') => ({ id, callFrame: { functionName, url, lineNumber: 9 } });

describe('top frames of a run', () => {
  it('counts self samples after the start-up over every thread, leaves waiting out, and scales shares to the measured CPU', () => {
    const worker: CpuProfile = {
      nodes: [node(1, 'jsonBody', 'file:///x/request-body.js'), node(2, '(idle)'), node(3, '(garbage collector)'), node(4, 'boot', 'file:///x/main.js')],
      // one sample of boot in the first 2 ms, then 2 jsonBody, 1 GC, 3 idle
      samples: [4, 1, 2, 1, 3, 2, 2],
      timeDeltas: [1000, 2000, 1000, 1000, 1000, 1000, 1000],
    };
    const helper: CpuProfile = { nodes: [node(1, '', '[worker eval]')], samples: [1, 1], timeDeltas: [5000, 5000] };
    const main: CpuProfile = { nodes: [node(7, 'recordRow', 'file:///x/csv-rows.js')], samples: [7], timeDeltas: [3000] };
    const frames = topFrames([worker, helper, main], 100, 2);
    expect(frames).toEqual([
      { frame: 'jsonBody request-body.js:10', share: 0.5, us: 50 },
      { frame: '(garbage collector)', share: 0.25, us: 25 },
      { frame: 'recordRow csv-rows.js:10', share: 0.25, us: 25 },
    ]);
  });
});
