import chalk from 'chalk';

/** Errors of a write to a reader that has gone away (`| head -1`, a closed terminal or pipe). */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * A closed stdout or stderr must not stop a run: what the reader missed is in the run folder, and a run
 * killed by an unhandled EPIPE would lose its summary. Any other write error still surfaces.
 */
export function surviveClosedOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const s of streams) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (!READER_GONE.has(e.code ?? '')) throw e;
    });
  }
}

/**
 * Whether colour is off: `--no-color` (or `--color=false`), or a non-empty `NO_COLOR` (no-color.org),
 * which wins over `FORCE_COLOR`. Read from the raw arguments because the report modules colour at import.
 */
export function colorDisabled(args: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (args.some((a) => a === '--no-color' || a === '--color=false')) return true;
  return Boolean(env.NO_COLOR);
}

export function applyColorChoice(args: readonly string[], env: NodeJS.ProcessEnv): void {
  if (colorDisabled(args, env)) chalk.level = 0;
}
