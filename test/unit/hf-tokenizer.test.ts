import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChatTemplate } from '../../src/tokenize/chat-template.js';
import { loadTokenizer, tokenizerProblem } from '../../src/tokenize/tokenizers.js';
import { readCorpus } from '../../src/workload/corpus.js';
import { writeLlama2Tokenizer } from '../fixtures/tokenizers/llama2-json.js';
import { qwen3Dir, qwen3Tiktoken } from '../fixtures/tokenizers/qwen3-tiktoken.js';

const dir = mkdtempSync(join(tmpdir(), 'at-tok-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The corpus as lines and whole, plus text that exercises digits, punctuation, unicode and byte fallback. */
function samples(): string[] {
  const lines = readCorpus();
  return [...lines, lines.join('\n'), 'Ünïcödé naïve café — 12345 tokens, 3.14159; “quotes” and emoji 🙂 🚀', 'tabs\tand  double  spaces\n\nnew paragraphs'];
}

describe('--tokenizer PATH (a Hugging Face tokenizer.json)', () => {
  it('a LLaMA-2 tokenizer.json gives the same ids as the built-in llama2 tokenizer on the corpus', async () => {
    const file = writeLlama2Tokenizer(join(dir, 'llama2'));
    const [hf, builtin] = await Promise.all([loadTokenizer(file), loadTokenizer('llama2')]);
    for (const s of samples()) expect(hf.encode(s), s.slice(0, 40)).toEqual(builtin.encode(s));
    expect(hf.decode(hf.encode('Shall I compare thee'))).toBe('Shall I compare thee');
  });

  it("Qwen3's shipped tokenizer.json gives the same ids as a second implementation (tiktoken's BPE over its ranks)", async () => {
    const hf = await loadTokenizer(qwen3Dir());
    const other = qwen3Tiktoken();
    for (const s of samples()) expect(hf.encode(s), s.slice(0, 40)).toEqual(other.encode(s));
    // special tokens written in the text count as one token each, as a server counts a rendered template
    expect(hf.encode('<|im_start|>user\nhi<|im_end|>')).toEqual(other.encode('<|im_start|>user\nhi<|im_end|>'));
    expect(hf.encode('<|im_start|>')).toEqual([151644]);
  });

  it('names the problem with a path that holds no tokenizer.json', () => {
    expect(tokenizerProblem('llama3')).toBeNull();
    expect(tokenizerProblem(qwen3Dir())).toBeNull();
    expect(tokenizerProblem(join(dir, 'nope.json'))).toMatch(/does not exist.*tokenizer\.json/);
    expect(tokenizerProblem(dir)).toMatch(/holds no tokenizer\.json/);
  });
});

describe('--chat-template', () => {
  it("auto renders the model's template from tokenizer_config.json with a generation prompt", async () => {
    const t = await loadChatTemplate('auto', join(qwen3Dir(), 'tokenizer.json'));
    if (typeof t === 'string') throw new Error(t);
    expect(t.render([{ role: 'user', content: 'Hello' }])).toBe('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n');
  });

  it('renders bos/eos tokens written as AddedToken objects (LLaMA-2)', async () => {
    const file = writeLlama2Tokenizer(join(dir, 'llama2-tpl'));
    const t = await loadChatTemplate('auto', file);
    if (typeof t === 'string') throw new Error(t);
    const text = t.render([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'Bye' }]);
    expect(text).toBe('<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] Bye [/INST]');
  });

  it('a Jinja file works; a missing template or a bad one is one line', async () => {
    const jinja = join(dir, 't.jinja');
    writeFileSync(jinja, '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}');
    const t = await loadChatTemplate(jinja, null);
    if (typeof t === 'string') throw new Error(t);
    expect(t.render([{ role: 'user', content: 'x' }])).toBe('<user>x<assistant>');
    expect(await loadChatTemplate('auto', null)).toMatch(/--tokenizer PATH/);
    expect(await loadChatTemplate(join(dir, 'missing.jinja'), null)).toMatch(/does not exist/);
    writeFileSync(jinja, '{% for m in messages %}');
    expect(await loadChatTemplate(jinja, null)).toMatch(/does not parse/);
  });
});
