import { closeSync, openSync, readSync } from 'node:fs';
import type { FileProblems, Located } from '../input-file.js';
import type { DatasetFormat } from './types.js';

/** Whether the file starts with Parquet's magic bytes (then it is read as Parquet, whatever its name). */
export function isParquet(path: string): boolean {
  const head = Buffer.alloc(4);
  try {
    const fd = openSync(path, 'r');
    try {
      return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'PAR1';
    } finally {
      closeSync(fd);
    }
  } catch {
    // unreadable: the text reader says why, in the usual words
    return false;
  }
}

/**
 * The rows of a Parquet file (Hugging Face's dataset exports) as records numbered from 1, through
 * hyparquet (pure JavaScript, loaded only for Parquet input). Only the columns the formats read are
 * decoded (`formats`: the one named by --dataset-format, or all), so a Chatbot Arena file's
 * `conversation_b` and moderation columns cost nothing. A file hyparquet cannot read is one problem.
 */
export async function parquetRecords(path: string, formats: readonly DatasetFormat[], p: FileProblems): Promise<Located<unknown>[] | null> {
  p.unit = 'record';
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, toJson } = await import('hyparquet');
  try {
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    const present = parquetSchema(metadata).children.map((c) => c.element.name);
    const wanted = new Set(formats.flatMap((f) => f.fields));
    const columns = present.filter((name) => wanted.has(name));
    if (!columns.length) {
      p.file(`has none of the columns a dataset format reads (it has ${present.slice(0, 8).join(', ') || 'none'}); the formats read ${[...wanted].join(', ')}`);
      return null;
    }
    const rows = await parquetReadObjects({ file, metadata, columns });
    return rows.map((row, i) => ({ line: i + 1, value: toJson(row) }));
  } catch (err) {
    p.file(`is not a Parquet file hyparquet can read (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
}
