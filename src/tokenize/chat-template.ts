import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { readJsonFile } from './hf-tokenizer.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A model's chat template: messages in, the exact text the server tokenizes out. */
export interface ChatTemplate {
  /** Where the template came from, for notes and the summary. */
  readonly source: string;
  /** The prompt a server builds for a chat request: the template rendered with a generation prompt. */
  render(messages: readonly ChatMessage[]): string;
}

/**
 * `--chat-template PATH|auto`. `auto` takes the template of the model whose tokenizer `--tokenizer` names
 * (`chat_template` in tokenizer_config.json, else chat_template.jinja beside it). A PATH is a Jinja file,
 * or a tokenizer_config.json whose template to use. Returns the template or one line saying what is wrong.
 */
export async function loadChatTemplate(spec: string, tokenizerJson: string | null): Promise<ChatTemplate | string> {
  const found = spec === 'auto' ? autoTemplate(tokenizerJson) : fileTemplate(spec);
  if (typeof found === 'string') return found;
  const { Template } = await import('@huggingface/jinja');
  let template: InstanceType<typeof Template>;
  try {
    template = new Template(found.text);
  } catch (err) {
    return `the template in '${found.source}' does not parse: ${(err as Error).message}`;
  }
  const specials = found.config ? specialTokens(found.config) : {};
  return {
    source: found.source,
    render: (messages) => template.render({ messages, add_generation_prompt: true, ...specials }),
  };
}

interface FoundTemplate {
  text: string;
  source: string;
  /** tokenizer_config.json when known: its bos/eos tokens are template variables. */
  config: Record<string, unknown> | null;
}

function autoTemplate(tokenizerJson: string | null): FoundTemplate | string {
  if (!tokenizerJson) return "'auto' takes the template of the model given with --tokenizer PATH; give --tokenizer a tokenizer.json, or --chat-template a template file";
  const dir = dirname(tokenizerJson);
  const configPath = join(dir, 'tokenizer_config.json');
  const config = existsSync(configPath) ? readJsonFile(configPath) : null;
  if (typeof config === 'string') return config;
  const inConfig = config ? templateOfConfig(config) : null;
  if (inConfig) return { text: inConfig, source: configPath, config };
  const jinja = join(dir, 'chat_template.jinja');
  if (existsSync(jinja)) return { text: readFileSync(jinja, 'utf8'), source: jinja, config };
  return `no chat template beside '${tokenizerJson}' (neither chat_template in tokenizer_config.json nor chat_template.jinja); give --chat-template a template file`;
}

function fileTemplate(path: string): FoundTemplate | string {
  const abs = resolve(path);
  if (!existsSync(abs)) return `'${path}' does not exist; give a Jinja template file, a tokenizer_config.json, or 'auto'`;
  if (extname(abs) !== '.json') return { text: readFileSync(abs, 'utf8'), source: abs, config: null };
  const config = readJsonFile(abs);
  if (typeof config === 'string') return config;
  const text = templateOfConfig(config);
  return text ? { text, source: abs, config } : `'${path}' has no chat_template`;
}

/** `chat_template` is a string, or a list of named templates of which 'default' is the chat one. */
function templateOfConfig(config: Record<string, unknown>): string | null {
  const t = config.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = t.find((x) => x?.name === 'default') ?? t[0];
    if (typeof named?.template === 'string') return named.template;
  }
  return null;
}

/** bos_token / eos_token / ... as plain strings (configs write them as strings or AddedToken objects). */
function specialTokens(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const v = config[key] as unknown;
    const s = typeof v === 'string' ? v : typeof (v as { content?: unknown })?.content === 'string' ? (v as { content: string }).content : null;
    if (s !== null) out[key] = s;
  }
  return out;
}
