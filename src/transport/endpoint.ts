/** An endpoint base URL as the HTTP transports address it: origin + base path (joined again for SDK clients). */
export interface EndpointParts {
  /** scheme://host[:port] */
  origin: string;
  /** Path of the base URL, without a trailing slash (e.g. "/v1"). */
  basePath: string;
  /** The base URL's query string with its `?` (Azure's `?api-version=...`), sent with every request; '' when none. */
  query?: string;
}

/** The one place an endpoint URL is taken apart; `joinEndpoint` is its inverse. */
export function splitEndpoint(endpoint: string): EndpointParts {
  const u = new URL(endpoint);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, ''), query: u.search };
}

export function joinEndpoint(parts: EndpointParts): string {
  return parts.origin + parts.basePath + (parts.query ?? '');
}

/** The request target of `path` (which may carry a query of its own, e.g. `?alt=sse`) under the endpoint. */
export function requestTarget(parts: EndpointParts, path: string): string {
  const q = (parts.query ?? '').slice(1);
  return parts.basePath + path + (q ? `${path.includes('?') ? '&' : '?'}${q}` : '');
}

/**
 * `user:password@` in an endpoint URL, as the Basic authorization header it stands for, and the URL
 * without it (URLs end up in logs and results; the header's value is redacted like any header's).
 */
export function urlCredentials(endpoint: string): { url: string; authorization: string | null } {
  const u = new URL(endpoint);
  if (!u.username && !u.password) return { url: endpoint, authorization: null };
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString(), authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** The endpoint as it may be shown and saved: no credentials, no query string (keys hide there too). */
export function publicUrl(endpoint: string): string {
  const u = new URL(endpoint);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/+$/, '');
}
