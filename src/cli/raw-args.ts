import type { Options } from 'yargs';
import { DECIMAL } from '../config/decimal.js';

/**
 * The raw arguments made safe for yargs: a value that starts with '-' after a flag that takes one
 * (`--duration -5s`) is attached to it (`--duration=-5s`), so the flag's own check names the problem
 * instead of yargs reading `-5s` as the short flags -5 and -s.
 */
export function attachDashValues(args: readonly string[], options: Record<string, Options>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (next !== undefined && /^-[\d.]/.test(next) && takesValue(a, options)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** One line per number flag given something other than a decimal number (yargs reads 0x10 as 16). */
export function nonDecimalNumbers(args: readonly string[], options: Record<string, Options>): string[] {
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(args[i]);
    if (!m || options[m[1]]?.type !== 'number') continue;
    const value = m[2] ?? args[i + 1];
    if (value !== undefined && !DECIMAL.test(value.trim())) problems.push(`--${m[1]}: '${value}' is not a decimal number; write it in digits, e.g. 16`);
  }
  return problems;
}

function takesValue(arg: string, options: Record<string, Options>): boolean {
  const m = /^--([^=]+)$/.exec(arg);
  const o = m ? options[m[1]] : undefined;
  return o !== undefined && o.type !== 'boolean';
}
