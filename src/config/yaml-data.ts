import { parseDocument } from 'yaml';

/**
 * YAML text to plain data, or one line per problem naming the file and the line. Some documents parse
 * yet cannot become data (an alias whose anchor is never set): those are problems too, never a throw.
 */
export function yamlData(text: string, path: string): { data: unknown } | { problems: string[] } {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return `${path}${at ? `:${at.line}:${at.col}` : ''}: YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
      }),
    };
  }
  try {
    return { data: doc.toJS() };
  } catch (err) {
    return { problems: [`${path}: YAML error: ${(err as Error).message.split('\n')[0]}`] };
  }
}
