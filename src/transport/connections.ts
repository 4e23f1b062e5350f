import { Client } from 'undici';

/**
 * Keep-alive connections to one origin: one undici Client (one HTTP/1.1 connection, no pipelining) per
 * in-flight request, idle ones reused most-recent first. undici's Pool finds a free connection by
 * scanning every connection on each dispatch, which at thousands of concurrent streams costs more CPU
 * than the streams themselves; here taking and returning one is O(1).
 */
export class ConnectionPool {
  readonly #origin: string;
  readonly #options: Client.Options;
  readonly #idle: Client[] = [];
  readonly #all = new Set<Client>();

  constructor(origin: string, options: Client.Options) {
    this.#origin = origin;
    this.#options = options;
  }

  acquire(): Client {
    for (let c = this.#idle.pop(); c; c = this.#idle.pop()) if (!c.destroyed && !c.closed) return c;
    const client = new Client(this.#origin, this.#options);
    // a dead connection surfaces on the request using it; the pool only forgets it
    client.on('connectionError', () => undefined);
    this.#all.add(client);
    return client;
  }

  /** `reuse` only after a response ended cleanly: anything else may leave the connection mid-body. */
  release(client: Client, reuse: boolean): void {
    if (reuse && !client.destroyed && !client.closed) {
      this.#idle.push(client);
      return;
    }
    this.#all.delete(client);
    client.destroy().catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(all.map((c) => c.destroy().catch(() => undefined)));
  }
}
