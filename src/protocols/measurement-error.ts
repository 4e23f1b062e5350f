import { Distribution } from '../metrics/distribution.js';
import type { ProtocolClient, ResponseDecoder } from './types.js';
import { StampScanner } from './stamp-scanner.js';

/** Microsecond resolution for errors kept in ms. */
const SCALE = 1e3;

/**
 * Bench mode: the endpoint (`sim --stamp`) puts each content chunk's monotonic send time in it; the
 * error of the client's stamp is its receive time minus that. The first stamped chunk of a request is a
 * TTFT error, every later one an ITL error. Selected once per worker, so normal runs never pay for it.
 */
export class MeasurementError {
  readonly ttft = new Distribution(SCALE);
  readonly itl = new Distribution(SCALE);
  /** Monotonic ns of the run's t0, so a receive time in ms from t0 compares with a send stamp in ns. */
  originNs = 0;

  /** `protocol` with a decoder that records the error of each stamped chunk before decoding it. */
  wrap(protocol: ProtocolClient): ProtocolClient {
    return { ...protocol, decoder: (sink, stream, captureText) => this.#decoder(protocol.decoder(sink, stream, captureText)) };
  }

  #decoder(inner: ResponseDecoder): ResponseDecoder {
    const scanner = new StampScanner();
    let first = true;
    return {
      push: (chunk, atMs) => {
        scanner.push(chunk, (ns) => {
          (first ? this.ttft : this.itl).record(atMs - (ns - this.originNs) / 1e6);
          first = false;
        });
        inner.push(chunk, atMs);
      },
      end: (atMs) => inner.end(atMs),
    };
  }
}
