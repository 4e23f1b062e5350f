import { openAiDecoder, type OpenAiShape } from './openai-stream.js';
import type { ProtocolClient } from './types.js';
import { bearer, exactLength, jsonBody } from './request-body.js';

const shape: OpenAiShape = {
  contentKey: '"text":',
  reasoningKeys: [],
  nonStreamText: (b) => ({ reasoning: '', output: b.choices?.[0]?.text ?? '' }),
};

/** POST {endpoint}/completions: the legacy text-completion API most self-hosted engines still serve. */
export const openaiCompletions = {
  name: 'openai-completions',
  basePath: '/v1',
  defaultApiKeyEnv: 'OPENAI_API_KEY',
  requiresApiKey: false,
  request(spec, apiKey) {
    return {
      path: '/completions',
      headers: bearer(apiKey),
      body: jsonBody(
        {
          model: spec.model,
          prompt: spec.prompt,
          max_tokens: spec.maxTokens,
          ...exactLength(spec),
          stream: spec.stream,
          ...(spec.stream ? { stream_options: { include_usage: true } } : {}),
        },
        spec.params,
      ),
    };
  },
  decoder: (sink, stream, captureText = false) => openAiDecoder(shape, sink, stream, captureText),
} satisfies ProtocolClient;
