import type { TrackerInit } from '../../src/workers/request-tracker.js';

/** A tracker's start as a worker gives it (request 1 due and sent at 0, streamed, no client count); override what a test needs. */
export function trackerInit(over: Partial<TrackerInit> = {}): TrackerInit {
  return { id: 1, worker: 0, scheduledMs: 0, sentMs: 0, requestedOutputTokens: 10, warmup: false, stream: true, inputTokensClient: null, captureText: false, ...over };
}
