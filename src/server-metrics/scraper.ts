import { MetricsFetcher, type FetchLimits } from './fetch-metrics.js';
import { knownSnapshot, type KnownSnapshot } from './snapshot.js';
import { parsePromText, type PromSample } from './prom-text.js';
import type { ScrapeCounts } from './summarise.js';

export interface ScraperOptions {
  url: string;
  intervalMs: number;
  limits: FetchLimits;
  headers?: Record<string, string>;
  insecure?: boolean;
  /** The run's clock: ms from t0 (negative before it). */
  clockMs(): number;
  /** Every sample of a successful scrape, at the scrape's start time (where the CSV rows go). */
  onSamples?(tMs: number, samples: readonly PromSample[]): void;
  /** Hides secrets in failure messages before they are kept. */
  redact?(text: string): string;
}

export interface ScrapeOutcome {
  counts: ScrapeCounts;
  /** Known series of every successful scrape, in time order (the rest is only in the CSV). */
  snapshots: KnownSnapshot[];
}

const MAX_MESSAGE = 200;

/**
 * Scrapes a Prometheus endpoint on the main thread every `intervalMs`, from the first scrape on
 * `start()` to a last one on `stop()` (after the run's last request: the histograms' increase needs it).
 * Scrapes never overlap (a tick that finds one in flight is skipped and counted), each is bounded in
 * time and size, and a failure is only counted: nothing here throws into the run.
 */
export class Scraper {
  readonly #o: ScraperOptions;
  readonly #fetcher: MetricsFetcher;
  readonly #snapshots: KnownSnapshot[] = [];
  readonly #durations: number[] = [];
  readonly #counts: ScrapeCounts = {
    attempted: 0, ok: 0, failed: 0, skipped: 0, errors: {}, first_error: null,
    duration_ms: { p50: null, max: null }, bytes_max: 0, invalid_lines: 0, samples_dropped: 0,
  };
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<boolean> | null = null;

  constructor(o: ScraperOptions) {
    this.#o = o;
    this.#fetcher = new MetricsFetcher(o.limits, o.headers, o.insecure);
  }

  /** One scrape now; resolves true when it succeeded (how `auto` decides whether to go on). */
  scrapeOnce(): Promise<boolean> {
    if (this.#inFlight) {
      this.#counts.skipped++;
      return this.#inFlight;
    }
    const p = this.#scrape().finally(() => {
      this.#inFlight = null;
    });
    this.#inFlight = p;
    return p;
  }

  /** Periodic scrapes from now on (the first one after one interval: call `scrapeOnce` for one now). */
  start(): void {
    this.#timer ??= setInterval(() => void this.scrapeOnce(), this.#o.intervalMs);
  }

  /** Stops the ticks, waits for a scrape in flight, takes the last one and closes the connection. */
  async stop(finalScrape = true): Promise<ScrapeOutcome> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#inFlight;
    if (finalScrape) await this.scrapeOnce();
    await this.#fetcher.close();
    return { counts: this.counts(), snapshots: this.#snapshots };
  }

  counts(): ScrapeCounts {
    const d = [...this.#durations].sort((a, b) => a - b);
    return { ...this.#counts, errors: { ...this.#counts.errors }, duration_ms: { p50: d.length ? d[Math.ceil(d.length / 2) - 1] : null, max: d.length ? d[d.length - 1] : null } };
  }

  async #scrape(): Promise<boolean> {
    const c = this.#counts;
    c.attempted++;
    const tMs = this.#o.clockMs();
    const res = await this.#fetcher.fetch(this.#o.url);
    this.#durations.push(round(this.#o.clockMs() - tMs));
    if (!res.ok) return this.#fail(res.cls, res.message);
    c.bytes_max = Math.max(c.bytes_max, res.bytes);
    const parsed = parsePromText(res.text);
    if (parsed.samples.length === 0) {
      return this.#fail('parse', parsed.firstProblem ? `no sample in the body (${parsed.firstProblem})` : 'no sample in the body');
    }
    c.ok++;
    c.invalid_lines += parsed.invalidLines;
    c.samples_dropped += parsed.droppedSamples;
    this.#snapshots.push(knownSnapshot(round(tMs), parsed.samples));
    this.#o.onSamples?.(round(tMs), parsed.samples);
    return true;
  }

  #fail(cls: string, message: string): boolean {
    const c = this.#counts;
    c.failed++;
    c.errors[cls] = (c.errors[cls] ?? 0) + 1;
    c.first_error ??= `${cls}: ${(this.#o.redact ?? ((t: string) => t))(message).replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, MAX_MESSAGE)}`;
    return false;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
