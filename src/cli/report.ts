import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { text, texts, type CliArgs } from './args.js';
import { writeReport } from '../html/write-report.js';
import { findRunFolders } from '../results/read-runs.js';
import { FILES } from '../results/run-folder.js';
import { usageError } from './usage-error.js';

/** `auto-testing report DIR...`: report.html from saved results (a run folder, or a folder of runs at any depth). */
export async function reportCommand(argv: CliArgs): Promise<number> {
  const dirs = texts(argv, 'dirs');
  const problems: string[] = [];
  const folders: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) problems.push(`${d}: not a folder; give run folders (with a ${FILES.summary}) or a results folder`);
    else if (existsSync(join(d, FILES.summary))) folders.push(d);
    else {
      const found = findRunFolders(d);
      if (found.length) folders.push(...found);
      else problems.push(`${d}: no run folder (with a ${FILES.summary}) in it`);
    }
  }
  if (problems.length) return usageError(problems);
  const out = text(argv, 'out');
  if (out && folders.length > 1) mkdirSync(out, { recursive: true });
  let failed = 0;
  for (const f of folders) {
    try {
      const target = out === undefined ? undefined : folders.length > 1 ? join(out, `${f.split(/[\\/]/).filter(Boolean).pop()}.html`) : out;
      process.stderr.write(`report: ${writeReport(f, target)}\n`);
    } catch (e) {
      failed++;
      process.stderr.write(`auto-testing report: ${f}: ${(e as Error).message.split('\n')[0]}\n`);
    }
  }
  return failed ? 1 : 0;
}
