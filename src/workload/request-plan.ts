import type { ChatMessage } from '../tokenize/chat-template.js';
import { loadTokenizer, type Tokenizer, type TokenizerName } from '../tokenize/tokenizers.js';
import { readCorpus } from './corpus.js';
import { datasetPick, type DatasetDraw, type DatasetItem } from './dataset.js';
import { indexedTextCounter } from './indexed-text.js';
import { PromptBuilder, requestRandom, sampleLength, type LengthSpec } from './prompts.js';
import { Conversation, sessionTurns, type SessionSpec } from './sessions.js';
import type { PrefixSpec } from './shared-prefix.js';
import { PromptCounter, TrafficPrompts } from './traffic-plan.js';
import type { TraceItem } from './traffic.js';
import { applyLengthRules, type LengthFilter } from './datasets/sample.js';

/** Where prompts and their lengths come from; every choice is a function of (seed, request index). */
export interface PromptSpec {
  /** Fixed prompt text; each request gets its index as a distinct prefix so no two prompts share a cache entry. */
  text: string;
  /** Synthesized prompts of exact token counts (overrides `text`). */
  input: LengthSpec | null;
  /** Per-request max_tokens drawn from this (else `maxTokens`, or the dataset's output_tokens). */
  output: LengthSpec | null;
  /** Prompts used in turn or drawn (overrides `text` and `input`). */
  dataset: DatasetItem[] | null;
  /** How request i (or session i) takes its dataset item: in turn, or drawn with replacement from the seed. */
  datasetDraw: DatasetDraw;
  /** vLLM bench's length rules applied to the dataset's candidates before use; null keeps all. */
  datasetFilter: LengthFilter | null;
  /** max_tokens of every dataset request (else the record's output_tokens, else its answer's length). */
  datasetOutputTokens: number | null;
  tokenizer: TokenizerName;
  seed: number;
  /** Also ask for min_tokens and ignore_eos when a length was drawn or given. */
  exactOutput: boolean;
  /** The API takes chat messages (else one prompt text). */
  chat: boolean;
  /** --chat-template: the client counts chat prompts rendered with it, as the server does. */
  chatTemplate: string | null;
  /** --prefix-tokens / --prefix-groups: a shared system prompt before each request's own part. */
  prefix: PrefixSpec | null;
  /** A replayed trace: request i sends `trace[i]` (overrides the other sources). */
  trace: TraceItem[] | null;
  /** Multi-turn sessions: request ids are (session, turn) pairs; see `planTurn`. */
  sessions: SessionSpec | null;
}

/** What request i sends: its prompt, the prompt's client token count, and the output length asked. */
export interface RequestPlan {
  prompt: string;
  /** The conversation chat APIs send instead of one user message holding `prompt`. */
  messages?: ChatMessage[];
  inputTokens: number | null;
  maxTokens: number;
  /** Ask for exactly maxTokens (min_tokens / ignore_eos). */
  exact: boolean;
  /** The shared prefix group (--prefix-groups), or null. */
  group: number | null;
}

/** Builds request plans, a pure function of (spec, index): the same whichever worker or shard asks. */
export class RequestPlanner {
  readonly tokenizer: Tokenizer | null;
  readonly #spec: PromptSpec;
  readonly #maxTokens: number;
  readonly #synth: PromptBuilder | null;
  readonly #counter: PromptCounter;
  readonly #traffic: TrafficPrompts | null;
  readonly #dataset: DatasetItem[] | null;
  /** Each dataset prompt's count, once: a dataset is sent over and over, and long prompts cost to encode. */
  readonly #datasetCounts: Int32Array | null;
  /** The fixed prompt's count with a given index prefix (null without a tokenizer). */
  readonly #textCount: ((index: number) => number) | null;

  private constructor(spec: PromptSpec, maxTokens: number, tokenizer: Tokenizer | null, counter: PromptCounter) {
    this.#spec = spec;
    this.#maxTokens = maxTokens;
    this.tokenizer = tokenizer;
    this.#counter = counter;
    this.#synth = spec.input && tokenizer ? new PromptBuilder(tokenizer, readCorpus()) : null;
    this.#traffic = spec.trace || spec.prefix ? new TrafficPrompts(counter, spec.prefix) : null;
    this.#dataset = spec.dataset ? applyLengthRules(spec.dataset, tokenizer, spec.datasetFilter, spec.datasetOutputTokens) : null;
    this.#datasetCounts = this.#dataset && tokenizer ? new Int32Array(this.#dataset.length).fill(-1) : null;
    this.#textCount = tokenizer && !spec.input && !spec.dataset ? indexedTextCounter(tokenizer, spec.text) : null;
  }

  /** Dataset prompts in use after the length rules (null without a dataset). */
  get datasetSize(): number | null {
    return this.#dataset?.length ?? null;
  }

  static async create(spec: PromptSpec, maxTokens: number): Promise<RequestPlanner> {
    const tok = spec.tokenizer === 'none' ? null : await loadTokenizer(spec.tokenizer);
    const template = spec.chat ? await PromptCounter.template(spec.chatTemplate, spec.tokenizer) : null;
    return new RequestPlanner(spec, maxTokens, tok, new PromptCounter(tok, template, spec.chat));
  }

  plan(index: number): RequestPlan {
    const s = this.#spec;
    if (s.trace) return this.#tracePlan(index, s.trace[index]);
    const rand = requestRandom(s.seed, index);
    const at = this.#pick(index);
    const item = at === null ? null : this.#dataset![at];
    const drawn = s.output ? sampleLength(rand, s.output) : null;
    const maxTokens = item?.outputTokens ?? drawn ?? this.#maxTokens;
    const exact = s.exactOutput && (item?.outputTokens ?? drawn) !== null;
    const own = this.#ownPrompt(index, rand, at);
    if (this.#traffic && s.prefix) return { ...this.#traffic.withPrefix(index, s.seed, own.prompt, own.inputTokens), maxTokens, exact };
    if (this.#counter.template) return { ...this.#counter.shape([{ role: 'user', content: own.prompt }]), maxTokens, exact, group: null };
    return { ...own, maxTokens, exact, group: null };
  }

  /** Whether any arrival starts a session (--turns, or a trace with sessions). */
  get hasSessions(): boolean {
    return this.#spec.sessions !== null || (this.#spec.trace?.some((t) => t.session !== null) ?? false);
  }

  /** Whether arrival `index` starts a session (a trace's requests of their own do not). */
  isSession(index: number): boolean {
    return this.#spec.sessions !== null || (this.#spec.trace?.[index]?.session ?? null) !== null;
  }

  /** When turn `turn` (> 0) of `session` is due, its previous answer having ended at `answeredMs`: after the
   *  think time (--turns), or at the trace's own offset unless the answer came later (the turn needs it). */
  turnDueMs(session: number, turn: number, answeredMs: number): number {
    const trace = this.#spec.trace;
    if (trace) return Math.max(trace[session].later[turn - 1].dueMs, answeredMs);
    return answeredMs + this.#spec.sessions!.thinkTimeMs;
  }

  /** Turns session `session` sends (drawn from the seed; a dataset conversation has at most its own; a trace's, its own). */
  sessionTurns(session: number): number {
    const trace = this.#spec.trace;
    if (trace) return 1 + trace[session].later.length;
    const drawn = sessionTurns(this.#spec.seed, session, this.#spec.sessions!);
    const item = this.#sessionItem(session);
    return item?.turns ? Math.min(drawn, item.turns.length) : drawn;
  }

  /** A new session's conversation: its system prompt (a shared prefix, or the dataset conversation's). */
  openSession(session: number): { conversation: Conversation; group: number | null } {
    const s = this.#spec;
    if (s.trace) return { conversation: new Conversation(null), group: null };
    if (this.#traffic && s.prefix) {
      const first = this.#traffic.withPrefix(session, s.seed, '', 0);
      return { conversation: new Conversation(first.messages?.[0].content ?? null, s.prefix.tokens), group: first.group };
    }
    const system = this.#sessionItem(session)?.system ?? null;
    return { conversation: new Conversation(system, system === null || !this.tokenizer ? 0 : this.tokenizer.encode(system).length), group: null };
  }

  /** Turn `turn` of session `session` (request `id`): the conversation so far plus a new user message of the usual length. */
  planTurn(session: number, turn: number, id: number, conversation: Conversation, group: number | null): RequestPlan {
    const s = this.#spec;
    if (s.trace) return this.#traceTurn(session, turn, id, conversation);
    const rand = requestRandom(s.seed, id);
    const item = this.#sessionItem(session);
    const drawn = s.output ? sampleLength(rand, s.output) : null;
    const maxTokens = (turn === 0 ? item?.outputTokens : null) ?? drawn ?? this.#maxTokens;
    const exact = s.exactOutput && drawn !== null;
    const own = item?.turns ? { prompt: item.turns[turn], inputTokens: this.tokenizer ? this.tokenizer.encode(item.turns[turn]).length : null } : this.#ownPrompt(id, rand, null);
    const messages = conversation.ask(own.prompt, own.inputTokens);
    return { ...this.#counter.shape(messages, conversation.tokens), maxTokens, exact, group };
  }

  /** The answer actually received, appended to the session's history (counted when the client counts). */
  answer(conversation: Conversation, text: string): void {
    conversation.answer(text, this.tokenizer ? this.tokenizer.encode(text).length : null);
  }

  /** Which dataset item request or session `index` uses (null without a dataset). */
  #pick(index: number): number | null {
    return this.#dataset ? datasetPick(this.#spec.datasetDraw, this.#spec.seed, index, this.#dataset.length) : null;
  }

  #sessionItem(session: number): DatasetItem | null {
    const at = this.#pick(session);
    return at === null ? null : this.#dataset![at];
  }

  /** `at`: the dataset item's place, where its count is remembered. */
  #ownPrompt(index: number, rand: () => number, at: number | null): { prompt: string; inputTokens: number | null } {
    const s = this.#spec;
    if (this.#synth && s.input) return this.#synth.build(index, sampleLength(rand, s.input), rand);
    if (at !== null) return { prompt: this.#dataset![at].prompt, inputTokens: this.#datasetCount(at) };
    return { prompt: `${index} ${s.text}`, inputTokens: this.#textCount?.(index) ?? null };
  }

  #tracePlan(index: number, item: TraceItem): RequestPlan {
    const shaped = this.#traffic!.trace(index, item.input);
    const exact = this.#spec.exactOutput && item.maxTokens !== null;
    return { ...shaped, maxTokens: item.maxTokens ?? this.#maxTokens, exact, group: null };
  }

  /** Turn `turn` of trace session `session` (request `id`): the conversation so far plus the turn's own messages. */
  #traceTurn(session: number, turn: number, id: number, conversation: Conversation): RequestPlan {
    const first = this.#spec.trace![session];
    const t = turn === 0 ? first : first.later[turn - 1];
    const own = this.#traffic!.traceMessages(id, t.input);
    // counted once as the turn joins the history, so later turns do not encode it again
    const tokens = own.tokens ?? own.messages.reduce((n, m) => n + this.tokenizer!.encode(m.content).length, 0);
    const messages = conversation.askWith(own.messages, tokens);
    const exact = this.#spec.exactOutput && t.maxTokens !== null;
    return { ...this.#counter.shape(messages, conversation.tokens), maxTokens: t.maxTokens ?? this.#maxTokens, exact, group: null };
  }

  #datasetCount(i: number): number | null {
    const counts = this.#datasetCounts;
    if (!counts || !this.tokenizer) return null;
    if (counts[i] < 0) counts[i] = this.tokenizer.encode(this.#dataset![i].prompt).length;
    return counts[i];
  }
}
