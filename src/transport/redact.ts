/** Below this length a "secret" is too short to hide without mangling ordinary text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Returns a function hiding every given secret (API key, header values) in a text, for anything a
 * server echoes back into an error message before it reaches results or the terminal.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const hidden = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (hidden.length === 0) return (text) => text;
  return (text) => hidden.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
}
