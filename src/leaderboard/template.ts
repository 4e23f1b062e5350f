/** `{{name}}`, with optional spaces inside the braces. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export interface Filled {
  text: string;
  /** Placeholders the template uses that nothing provides: the render fails, naming each. */
  unknown: string[];
  /** Values the template leaves out: the render goes on, with a warning naming each. */
  missing: string[];
}

/** Replaces every known placeholder; reports unknown ones and provided values the template never uses. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): Filled {
  const used = new Set<string>();
  const unknown = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!Object.hasOwn(values, name)) {
      unknown.add(name);
      return whole;
    }
    used.add(name);
    return values[name];
  });
  return { text, unknown: [...unknown], missing: Object.keys(values).filter((k) => !used.has(k)) };
}
