/** An endpoint base URL as the HTTP transports address it: origin + base path (joined again for SDK clients). */
export interface EndpointParts {
  /** scheme://host[:port] */
  origin: string;
  /** Path of the base URL, without a trailing slash (e.g. "/v1"). */
  basePath: string;
}

/** The one place an endpoint URL is taken apart; `joinEndpoint` is its inverse. */
export function splitEndpoint(endpoint: string): EndpointParts {
  const u = new URL(endpoint);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, '') };
}

export function joinEndpoint(parts: EndpointParts): string {
  return parts.origin + parts.basePath;
}

/** The endpoint as it may be shown and saved: no credentials, no query string (keys hide there too). */
export function publicUrl(endpoint: string): string {
  const u = new URL(endpoint);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/+$/, '');
}
