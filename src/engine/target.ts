/** Splits an endpoint base URL into what undici dispatches to: origin + base path. */
export function splitEndpoint(endpoint: string): { origin: string; basePath: string } {
  const u = new URL(endpoint);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, '') };
}

/** The endpoint as it may be shown and saved: no credentials, no query string (keys hide there too). */
export function publicUrl(endpoint: string): string {
  const u = new URL(endpoint);
  u.username = '';
  u.password = '';
  u.search = '';
  return u.toString().replace(/\/+$/, '');
}
