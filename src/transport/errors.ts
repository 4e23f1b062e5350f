import type { ErrorClass } from '../metrics/record.js';
import { KEPT_CHARS } from './redact.js';

export interface ClassifiedError {
  cls: ErrorClass;
  message: string;
}

const BY_CODE: Record<string, ErrorClass> = {
  EMFILE: 'fd_limit',
  ENFILE: 'fd_limit',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EADDRNOTAVAIL: 'connect',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'stall',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'response_too_large',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'client_error',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'stream_truncated',
  // transport/http1.ts
  CONNECT_TIMEOUT: 'connect_timeout',
  HTTP_CLOSED: 'reset',
  HTTP_FRAMING: 'parse',
  HTTP_BAD_HEADER: 'client_error',
  // transport/tunnel.ts and undici.ts: an HTTP proxy that would not open a tunnel
  PROXY_CONNECT: 'connect',
};

/** AWS SDK exceptions (Bedrock), by name: thrown before the response or in the middle of its event stream. */
const BY_NAME: Record<string, ErrorClass> = {
  ThrottlingException: 'rate_limited',
  ServiceQuotaExceededException: 'rate_limited',
  ModelTimeoutException: 'timeout',
  TimeoutError: 'timeout',
  ModelStreamErrorException: 'server_error_event',
  InternalServerException: 'server_error_event',
  ServiceUnavailableException: 'server_error_event',
  ModelErrorException: 'server_error_event',
  ModelNotReadyException: 'server_error_event',
};

function isTls(code: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
}

/**
 * Maps a transport error (undici / node net / AWS SDK) to an error class, following the cause chain. Never
 * throws, whatever it is given. A connection closed by the server is `reset` whether or not response
 * headers had arrived (a listening server that drops the socket cannot look like a refused connect);
 * the message says which.
 */
export function classifyError(err: unknown, afterHeaders = false): ClassifiedError {
  let e: any = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++, e = e.cause) {
    const code = typeof e.code === 'string' ? e.code : '';
    const cls = (Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : null) ?? (code && isTls(code) ? 'tls' : e.name === 'AbortError' ? 'aborted' : null);
    if (cls === 'reset') return { cls, message: `${afterHeaders ? 'mid-stream' : 'before response headers'}: ${describe(e)}` };
    if (cls) return { cls, message: describe(e) };
    if (typeof e.name === 'string' && Object.hasOwn(BY_NAME, e.name)) return { cls: BY_NAME[e.name], message: `${e.name}: ${describe(e)}` };
  }
  return { cls: 'client_error', message: describe(err) };
}

function describe(e: any): string {
  try {
    const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
    return `${code}${e?.message ?? String(e)}`.slice(0, KEPT_CHARS);
  } catch {
    return 'unprintable error';
  }
}
