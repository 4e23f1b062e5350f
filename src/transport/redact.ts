/** Below this length a "secret" is too short to hide without mangling ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Where records keep a server's message, it is cut to this many characters, after redaction. */
export const SHOWN_CHARS = 500;
/** Short server strings (finish_reason, retry-after) are cut to this many characters, after redaction. */
export const FIELD_CHARS = 100;
/** Server text is kept this long until it is redacted and cut: a secret that begins before a cut at
 *  SHOWN_CHARS is whole when it is redacted, so no prefix of it survives the cut. */
export const KEPT_CHARS = 4096;

/** Key shapes hidden even when they are not this run's (a server echoing another tenant's, a proxy's):
 *  OpenAI / Anthropic `sk-...`, AWS access key ids, Google API keys, Hugging Face tokens, bearer tokens. */
const KEY_SHAPES = /\b(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,})|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a terminal shows. */
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Returns a function hiding every given secret (API key, header values) and anything shaped like an API
 * key in a text, for anything a server sends back before it reaches results or the terminal.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const given = secrets.filter((s): s is string => typeof s === 'string');
  // longest first, so a secret is hidden whole before a part of it (the password inside `user:password`)
  const hidden = [...new Set(given.flatMap(secretForms))].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  return (text) => hidden.reduce((t, s) => t.split(s).join('[REDACTED]'), text).replace(KEY_SHAPES, '[REDACTED]');
}

/** Authorization schemes whose credential a server may echo without the scheme word. */
const AUTH_SCHEME = /^(basic|bearer|token|apikey|key)\s+(\S+)$/i;

/**
 * Every form in which a server may send a secret back: the value as given; an authorization value's
 * credential without its scheme; and a Basic credential decoded (`user:password`, the bare password,
 * and the password percent-encoded as it was written in `user:password@` of a URL).
 */
export function secretForms(value: string): string[] {
  const m = AUTH_SCHEME.exec(value.trim());
  if (!m) return [value];
  if (m[1].toLowerCase() !== 'basic') return [value, m[2]];
  const pair = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon < 0) return [value, m[2]];
  const password = pair.slice(colon + 1);
  return [value, m[2], pair, password, encodeURIComponent(password)];
}

/** `text` with its control characters written as escapes (`\n`, `\u001b`), so it cannot drive a terminal. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A server's string as results keep it: secrets hidden first, control characters escaped, then cut. */
export function serverText(text: string, redact: (text: string) => string, max: number): string {
  return escapeControls(redact(text)).slice(0, max);
}
