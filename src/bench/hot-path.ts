import { Series } from '../metrics/timeline.js';
import { protocolFor } from '../protocols/registry.js';
import { openAiChatFormat } from '../sim/formats/openai.js';
import { tokenText } from '../sim/text.js';
import { RequestTracker } from '../workers/request-tracker.js';

/**
 * The client's per-token work without the network: simulator frames, one per chunk as the simulator
 * writes them, through the tracker and the protocol decoder (SSE framing, content detection, counters).
 * CPU time per token event of this part alone, stable on a busy machine where end-to-end figures are not.
 */
export function hotPathCpuUs(requests: number, tokensPerRequest: number): number {
  const req = { model: 'm', prompt: 'p', messages: null, maxTokens: tokensPerRequest, stream: true, includeUsage: true, perChunkUsage: false };
  const frames = openAiChatFormat.stream(req, { usage: { input: 10, output: tokensPerRequest, reasoning: 0, cached: 0 }, finish: 'length' });
  const chunks = [frames.head(), ...Array.from({ length: tokensPerRequest - 1 }, (_, j) => frames.chunk(tokenText(j), 'output'))];
  chunks.push(frames.end(tokenText(tokensPerRequest - 1), 'output'));
  const protocol = protocolFor('openai-chat');
  const tokens = new Series();
  let finished = 0;
  const run = (n: number) => {
    for (let r = 0; r < n; r++) {
      const t = new RequestTracker({ id: r, worker: 0, scheduledMs: 0, sentMs: 0, requestedOutputTokens: tokensPerRequest, warmup: false, stream: true, inputTokensClient: null, captureText: false }, protocol, tokens, () => finished++);
      t.onStatus(200, {}, 0);
      for (let i = 0; i < chunks.length; i++) t.onData(chunks[i], i * 20);
      t.onEnd(chunks.length * 20);
      if (tokens.length > 1000) tokens.clear();
    }
  };
  run(Math.max(1, requests >> 3)); // JIT warm-up
  const cpu0 = process.cpuUsage();
  run(requests);
  const cpu = process.cpuUsage(cpu0);
  if (finished === 0) throw new Error('no request finished');
  return (cpu.user + cpu.system) / (requests * tokensPerRequest);
}
