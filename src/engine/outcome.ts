import type { RunStatus } from '../metrics/summary.js';

/** How a run ends and why: the one place its status is set and its reasons are joined. */
export class Outcome {
  status: RunStatus = 'completed';
  reason: string | null = null;

  /** The run cannot go on as it should; the first failure's reason stands (over an interrupt's). False if it had failed already. */
  fail(why: string): boolean {
    if (this.status === 'failed') return false;
    this.status = 'failed';
    this.reason = why;
    return true;
  }

  /** A signal or `RunIo.stop`: a failed run stays failed. */
  interrupt(why: string): void {
    if (this.status === 'failed') return;
    this.status = 'interrupted';
    this.reason = why;
  }

  /** A failure found at the end (a worker's, a file's): added to what was said already. */
  alsoFailed(why: string): void {
    this.status = 'failed';
    this.reason = [this.reason, why].filter(Boolean).join('; ');
  }
}
