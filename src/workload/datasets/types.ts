import type { ChatMessage } from '../../tokenize/chat-template.js';

/** One exchange of a conversation: what the user said and, when the record has it, the answer. */
export interface Turn {
  user: string;
  /** The recorded answer (its token count sizes max_tokens, as vLLM's bench does); null when absent. */
  assistant: string | null;
}

/** What a dataset record holds, whatever its format. */
export interface Conversation {
  /** A system prompt, sent before the first turn; null when none. */
  system: string | null;
  turns: Turn[];
  /** max_tokens the record states (`output_tokens`); null: from the answer's length or the run's setting. */
  outputTokens: number | null;
}

/**
 * One dataset format. Adding a format is one file implementing this and one line in `registry.ts`.
 * A format sees parsed JSON records only; reading files, line numbers, the error cap and sampling are
 * shared.
 */
export interface DatasetFormat {
  /** `--dataset-format` value. */
  readonly name: string;
  /** One line for --help and the README: what a record looks like. */
  readonly example: string;
  /** The top-level fields `parse` reads: the columns read from a Parquet file. */
  readonly fields: readonly string[];
  /**
   * The format's own sampling rule, unless flags say otherwise: which user messages become single-turn
   * requests (vLLM's bench: each conversation's first; the seed's Chatbot Arena rule: every one), and
   * whether vLLM's length rules apply by default (--dataset-filter).
   */
  readonly rule: { prompts: 'first-user-message' | 'every-user-message'; lengthRules: boolean };
  /** Whether a record looks like this format; auto-detection asks each format in registry order. */
  detect(record: Record<string, unknown>): boolean;
  /**
   * The conversation a record holds; a string says why the record is malformed (one line, without the
   * file and line, which the reader adds); null skips a well-formed record with nothing to send (vLLM's
   * bench skips ShareGPT conversations of fewer than two turns the same way).
   */
  parse(record: Record<string, unknown>): Conversation | string | null;
}

export type { ChatMessage };
