/** Helpers every protocol's request builder shares. */

export function jsonBody(base: Record<string, unknown>, params: Record<string, unknown>): string {
  return JSON.stringify({ ...base, ...params });
}

export function bearer(apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}
