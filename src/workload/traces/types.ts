import type { ChatMessage } from '../../tokenize/chat-template.js';
import type { FileProblems, Located } from '../input-file.js';

/** What one trace request sends. */
export type TraceInput =
  /** A prompt of exactly `tokens` tokens; `hashIds` (Mooncake) name its 512-token blocks, shared between requests. */
  | { kind: 'tokens'; tokens: number; hashIds: number[] | null }
  | { kind: 'prompt'; prompt: string }
  | { kind: 'messages'; messages: ChatMessage[] };

/** One request of a trace, as read. */
export interface TraceRequest {
  /** The time the trace gives, ms (absolute or relative: only differences matter). */
  atMs: number;
  /** Line of the file it came from. */
  line: number;
  input: TraceInput;
  /** max_tokens; null: the run's setting. */
  maxTokens: number | null;
  /** Requests of one session (our JSON lines) keep their order and history; null: none. */
  session: string | null;
}

/**
 * One trace format. Adding a format is one file implementing this and one line in `read.ts`'s list.
 * A format turns the file's non-empty lines into requests; reading, sorting and notes are shared.
 */
export interface TraceFormat {
  readonly name: string;
  /** Where the format is published, for --help and the README. */
  readonly source: string;
  /** Whether the first non-empty line looks like this format. */
  detect(firstLine: string): boolean;
  read(lines: Iterable<Located<string>>, p: FileProblems): TraceRequest[];
}

/** Tokens each Mooncake `hash_ids` entry stands for. */
export const HASH_BLOCK_TOKENS = 512;
