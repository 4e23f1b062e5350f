import { createRequire } from 'node:module';

type Undici = typeof import('undici');

let lib: Undici | null = null;

/**
 * The undici package, loaded on first use. Loading it takes ~150 ms of CPU in each thread that does; a run
 * on the default `--http-client http1` (its workers, its main thread unless it scrapes /metrics or looks
 * up the model) and the simulator never need it. Synchronous (undici is CommonJS), so its users stay so.
 */
export function undici(): Undici {
  lib ??= createRequire(import.meta.url)('undici') as Undici;
  return lib;
}
