import { Http1Transport } from './http1.js';
import type { HttpClientName, HttpTarget, Transport } from './types.js';
import { UndiciTransport } from './undici.js';

/** The HTTP transport `--http-client` names, for one endpoint. */
export function openTransport(client: HttpClientName, target: HttpTarget): Transport {
  return client === 'undici' ? new UndiciTransport(target) : new Http1Transport(target);
}
