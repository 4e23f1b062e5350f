import { join } from 'node:path';
import { REPORT_FILE, writeAtomic } from '../results/run-folder.js';
import { readReportInputs } from './read-report-inputs.js';
import { renderReport } from './render-report.js';

/** Writes report.html for one run folder (atomically: a reader never sees half a file); the path written. */
export function writeReport(folder: string, out = join(folder, REPORT_FILE)): string {
  writeAtomic(out, renderReport(readReportInputs(folder)));
  return out;
}
