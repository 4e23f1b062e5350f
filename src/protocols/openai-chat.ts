import { openAiDecoder, type OpenAiShape } from './openai-stream.js';
import type { ProtocolClient } from './types.js';
import { bearer, chatMessages, exactLength, jsonBody } from './request-body.js';

const shape: OpenAiShape = {
  contentKey: '"content":',
  reasoningKeys: ['"reasoning_content":', '"reasoning":'],
  nonStreamText: (b) => {
    const m = b.choices?.[0]?.message;
    return { reasoning: m?.reasoning_content ?? m?.reasoning ?? '', output: m?.content ?? '' };
  },
};

/** POST {endpoint}/chat/completions (OpenAI, vLLM, SGLang, TGI's Messages API, llama.cpp, ...). */
export const openaiChat = {
  name: 'openai-chat',
  basePath: '/v1',
  defaultApiKeyEnv: 'OPENAI_API_KEY',
  requiresApiKey: false,
  request(spec, apiKey) {
    return {
      path: '/chat/completions',
      headers: bearer(apiKey),
      body: jsonBody(
        {
          model: spec.model,
          messages: chatMessages(spec),
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
