/** In-flight requests get this long to finish after a first interrupt. */
export const INTERRUPT_GRACE_MS = 5_000;

export type OnInterrupt = (why: string, graceMs: number) => void;

/**
 * SIGINT / SIGTERM for as long as a command runs: the first asks for a stop with a grace, a second for
 * none. A command made of several runs (a capacity search) holds one for all of them, so a signal that
 * comes between two runs, or while one is starting, is kept instead of killing the process mid-write.
 */
export class Interrupts {
  /** `received SIGINT` once a signal came. */
  reason: string | null = null;
  #count = 0;
  readonly #watchers = new Set<OnInterrupt>();
  readonly #handler = (sig: NodeJS.Signals) => {
    this.#count++;
    this.reason ??= `received ${sig}`;
    for (const w of this.#watchers) w(`received ${sig}`, this.#graceMs());
  };

  constructor() {
    process.on('SIGINT', this.#handler);
    process.on('SIGTERM', this.#handler);
  }

  /** `onInterrupt` on every signal from now on, and at once when one came already. Returns the unwatch. */
  watch(onInterrupt: OnInterrupt): () => void {
    this.#watchers.add(onInterrupt);
    if (this.reason) onInterrupt(this.reason, this.#graceMs());
    return () => this.#watchers.delete(onInterrupt);
  }

  close(): void {
    process.off('SIGINT', this.#handler);
    process.off('SIGTERM', this.#handler);
  }

  #graceMs(): number {
    return this.#count === 1 ? INTERRUPT_GRACE_MS : 0;
  }
}
