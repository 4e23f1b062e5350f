import { maxTokens, type SimEnding, type SimFormat, type SimRequest, type SimStream } from './types.js';

/**
 * TGI `/generate_stream` frames as its router sends them (test/fixtures/tgi): `data:` without a space,
 * one event per token, the last one carrying `generated_text` and `details`. TGI has no reasoning
 * field, so the simulator plans no reasoning phase for it.
 */
function event(index: number, text: string, generated: string | null, details: string): string {
  return `data:{"index":${index},"token":{"id":${1000 + (index % 30000)},"text":${JSON.stringify(text)},"logprob":-0.31,"special":false},"generated_text":${generated === null ? 'null' : JSON.stringify(generated)},"details":${details}}\n\n`;
}

function details({ usage: u, finish }: SimEnding): string {
  return `{"finish_reason":"${finish === 'length' ? 'length' : 'eos_token'}","generated_tokens":${u.output},"seed":null,"input_length":${u.input}}`;
}

function stream(_req: SimRequest, ending: SimEnding): SimStream {
  let index = 0;
  let generated = '';
  return {
    head: () => Buffer.alloc(0),
    chunk(text) {
      generated += text;
      return Buffer.from(event(++index, text, null, 'null'));
    },
    end(text) {
      generated += text;
      return Buffer.from(event(++index, text, generated, details(ending)));
    },
  };
}

export const tgiFormat: SimFormat = {
  api: 'tgi',
  reasoning: false,
  streamContentType: 'text/event-stream',
  read(body, url) {
    if (typeof body.inputs !== 'string') return 'Input validation error: `inputs` must be a string';
    const max = maxTokens(body.parameters?.max_new_tokens, 'max_new_tokens', 20);
    if (typeof max === 'string') return `Input validation error: ${max}`;
    return { model: '', prompt: body.inputs, messages: null, maxTokens: max, stream: url.pathname === '/generate_stream', includeUsage: true, perChunkUsage: false };
  },
  stream,
  whole: (_req, text, ending) => `{"generated_text":${JSON.stringify(text.output)},"details":${details(ending)}}`,
  error: (status, message) => JSON.stringify({ error: message, error_type: status === 429 ? 'overloaded' : status === 422 || status === 400 ? 'validation' : 'generation' }),
};
