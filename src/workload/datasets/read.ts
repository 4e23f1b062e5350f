import { FileProblems, jsonRecords, openInput, type Located } from '../input-file.js';
import { isParquet, parquetRecords } from './parquet.js';
import { DATASET_FORMATS, datasetFormat } from './registry.js';
import type { Conversation, DatasetFormat } from './types.js';

export interface ReadDataset {
  format: DatasetFormat;
  conversations: Conversation[];
  /** Well-formed records with nothing to send (e.g. a ShareGPT conversation of one message). */
  skipped: number;
}

/**
 * Every conversation in a dataset file: JSON lines, one JSON array, or Parquet (by its magic bytes).
 * The format is `formatName`, or with 'auto' the first in the registry whose `detect` accepts the first
 * record. Problems (one line each, naming the file and the line, or a Parquet file's record number; at
 * most MAX_PROBLEMS) go to `problems`; the result is then null.
 */
export async function readDatasetFile(path: string, label: string, formatName: string, problems: string[]): Promise<ReadDataset | null> {
  const p = new FileProblems(label, path, problems);
  const format = formatName === 'auto' ? null : (datasetFormat(formatName) ?? null);
  const records = isParquet(path) ? await parquetRecords(path, format ? [format] : DATASET_FORMATS, p) : textRecords(path, p);
  return records && conversationsOf(records, format, p);
}

function textRecords(path: string, p: FileProblems): Iterable<Located<unknown>> | null {
  const input = openInput(path, p);
  return input && jsonRecords(input, p);
}

function conversationsOf(records: Iterable<Located<unknown>>, named: DatasetFormat | null, p: FileProblems): ReadDataset | null {
  let format = named;
  const conversations: Conversation[] = [];
  let skipped = 0;
  let last = 0;
  for (const { line, value } of records) {
    last = line;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      p.at(line, `not a JSON object; write ${(format ?? DATASET_FORMATS[0]).example}`);
    } else {
      format ??= detect(value as Record<string, unknown>, line, p);
      if (!format) break;
      const c = format.parse(value as Record<string, unknown>);
      if (typeof c === 'string') p.at(line, `${c}; write ${format.example}`);
      else if (c === null) skipped++;
      else conversations.push(c);
    }
    if (p.full) {
      p.stopped();
      break;
    }
  }
  if (p.count > 0) return null;
  if (!format || conversations.length === 0) {
    p.file(`holds no ${format ? `${format.name} records` : 'records'}${last ? ` (${skipped} skipped)` : ''}; write ${(format ?? DATASET_FORMATS[0]).example}`);
    return null;
  }
  return { format, conversations, skipped };
}

function detect(record: Record<string, unknown>, line: number, p: FileProblems): DatasetFormat | null {
  const found = DATASET_FORMATS.find((f) => f.detect(record));
  if (!found) {
    const keys = Object.keys(record).slice(0, 6).join(', ') || 'none';
    p.at(line, `no dataset format has these fields (${keys}); use one of: ${DATASET_FORMATS.map((f) => `${f.name}: ${f.example}`).join('; ')}; or name it with --dataset-format`);
  }
  return found ?? null;
}
