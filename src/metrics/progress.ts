/** A worker's counts so far, sent with every batch; the main thread adds them up for the live view. */
export interface Progress {
  sent: number;
  done: number;
  failed: number;
  dropped: number;
  inFlight: number;
}

/** What a run shows while it runs (`RunIo.progress`, every 250 ms): the workers' counts added up. */
export interface LiveStatus extends Progress {
  elapsedMs: number;
  totalMs: number;
  /** Output tokens per second over the last second. */
  totalTps: number;
}
