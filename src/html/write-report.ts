import { join } from 'node:path';
import { writeAtomic } from '../results/run-folder.js';
import { readReportInputs } from './read-report-inputs.js';
import { renderReport } from './render-report.js';

export const REPORT_FILE = 'report.html';

/** Writes report.html for one run folder (atomically: a reader never sees half a file); the path written. */
export function writeReport(folder: string, out = join(folder, REPORT_FILE)): string {
  writeAtomic(out, renderReport(readReportInputs(folder)));
  return out;
}
