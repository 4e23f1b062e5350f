import { closest, distance } from 'fastest-levenshtein';

/** The flags (long names) each command knows, and the commands; `run` is the default command. */
export interface CliShape {
  commands: readonly string[];
  flags: Record<string, readonly string[]>;
}

function near(word: string, candidates: readonly string[]): string | null {
  if (!candidates.length) return null;
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

/**
 * yargs' "Unknown argument(s): rat, capcity" as one line per unknown word, each with the nearest flag
 * or command when one is close (the rule workload files use): `--rat: unknown flag; did you mean --rate?`.
 * `args` are the raw arguments, which tell flags from words and which command they were given to.
 */
export function explainUnknown(message: string, args: readonly string[], shape: CliShape): string[] | null {
  const m = /^Unknown arguments?: (.+)$/.exec(message.trim());
  if (!m) return null;
  const command = shape.commands.includes(args.find((a) => !a.startsWith('-')) ?? '') ? args.find((a) => !a.startsWith('-'))! : 'run';
  const flags = shape.flags[command] ?? [];
  const typedFlags = new Set(args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0].replace(/^no-/, '')));
  const words = m[1].split(', ');
  const lines: string[] = [];
  for (const w of words) {
    // yargs also lists the camelCase twin of a kebab-case flag
    if (/[A-Z]/.test(w) && words.includes(w.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) continue;
    if (typedFlags.has(w)) {
      const best = near(w, flags);
      lines.push(`--${w}: unknown flag${command === 'run' ? '' : ` of ${command}`}; ${best ? `did you mean --${best}?` : `see auto-testing ${command === 'run' ? '' : `${command} `}--help`}`);
    } else if (!/^-?\d/.test(w)) {
      const best = near(w, shape.commands);
      lines.push(best ? `'${w}' is not a command; did you mean '${best}'?` : `'${w}': unexpected argument; commands are ${shape.commands.join(', ')}`);
    }
  }
  return lines.length ? lines : null;
}

/**
 * Help shows each flag's type as the tool reads it. yargs reads numbers and durations as text (so a bad
 * value can be quoted back exactly as typed) and would label them `[string]`; this relabels the option
 * blocks of `typed` flags in the help text.
 */
export function relabelHelp(help: string, typed: Record<string, string>): string {
  let current: string | null = null;
  return help
    .split('\n')
    .map((line) => {
      const opt = /^\s{1,8}(?:-\w, )?--([a-z0-9-]+)/.exec(line);
      if (opt) current = opt[1];
      else if (/^\S/.test(line) || line.trim() === '') current = null;
      const label = current && typed[current];
      return label ? line.replace('[string]', `[${label}]`) : line;
    })
    .join('\n');
}
