import { performance } from 'node:perf_hooks';
import { handlesSettled } from '../metrics/handles.js';
import { watchLoopDelay } from '../metrics/loop-delay.js';
import { MeasurementError } from '../protocols/measurement-error.js';
import { protocolFor } from '../protocols/registry.js';
import type { ProtocolClient } from '../protocols/types.js';
import { realClock } from '../schedule/clock.js';
import { Waker } from '../schedule/waker.js';
import { joinEndpoint, splitEndpoint } from '../transport/endpoint.js';
import { openTransport } from '../transport/open.js';
import { proxyFor, proxySecrets, type ProxyRoute } from '../transport/proxy.js';
import { connectionShare, type ConnectionPolicy, type Transport } from '../transport/types.js';
import { warmTransport } from '../transport/warm-up.js';
import { RequestPlanner } from '../workload/request-plan.js';
import type { TaskInput, WorkerFinal, WorkerSettings } from './messages.js';
import { StripeWorker } from './stripe-worker.js';
import { armTestCrash } from './test-crash.js';
import { onUncaught } from './uncaught.js';

/**
 * One long-lived piscina task per worker thread for the whole run: a `StripeWorker` over stripe k of the
 * global schedule, given this thread's real clock, its own transport (connection pool) and crash hooks.
 */
export default async function runWorker(input: TaskInput): Promise<WorkerFinal> {
  const s = input.settings;
  const thread = watchThread();
  // the schedule origin arrives with the start message, once every worker is ready
  const waker = new Waker();
  const clockAt = (t0Ns: bigint) => realClock(t0Ns, waker);
  const clock = clockAt(process.hrtime.bigint());
  const measure = s.measureError ? new MeasurementError() : null;
  const protocol = measure ? measure.wrap(protocolFor(s.api)) : protocolFor(s.api);
  // a worker thread's environment is a copy of the main thread's: HTTPS_PROXY / NO_PROXY as the user set them
  const proxy = proxyFor(splitEndpoint(s.endpoint).origin, process.env);
  const transport = connect(s, protocol, proxy, connectionShare(s.connections, input.worker, input.workers));
  // warm the request path (module init, JIT) before the first arrival is due
  protocol.request({ model: s.model, prompt: s.prompt.text, maxTokens: s.maxTokens, stream: s.stream, params: s.params }, s.apiKey);
  const planner = await RequestPlanner.create(s.prompt, s.maxTokens);
  const onStart = (t0Ns: bigint) => {
    if (measure) measure.originNs = Number(t0Ns);
    armTestCrash(input.worker);
  };
  // the transport is warmed first, then its spare connections opened: both before the worker says it is ready
  const warmUp = () => warmTransport(s.httpClient).then(() => transport.prepare?.());
  const loopDelayMs = () => waker.lastDelayMs;
  const worker = new StripeWorker(input, { protocol, transport, planner, clock, clockAt, warmUp, onStart, loopDelayMs, secrets: proxySecrets(proxy) });
  const unwatch = onUncaught((e) => worker.crash(e));
  const result = await worker.run();
  await transport.close();
  await waker.close();
  const handlesAtEnd = await handlesSettled();
  unwatch();
  if (result.crash) throw result.crash;
  return {
    worker: input.worker, ...thread(), interChunk: result.interChunk, promptMs: result.promptMs, prompts: result.prompts, handlesAtEnd,
    ...(measure && { measurementError: { ttft: measure.ttft.encode(), itl: measure.itl.encode() } }),
  };
}

/** The protocol's own SDK client when it has one, else the HTTP transport `--http-client` names (through `proxy`). */
function connect(s: WorkerSettings, protocol: ProtocolClient, proxy: ProxyRoute | null, connections: ConnectionPolicy): Transport {
  const target = splitEndpoint(s.endpoint);
  return (
    protocol.connect?.({ endpoint: s.endpointGiven ? joinEndpoint(target) : null, region: s.region, apiKey: s.apiKey, requestTimeoutMs: s.limits.totalMs }) ??
    openTransport(s.httpClient, { ...target, extraHeaders: s.headers, insecure: s.insecure, connectTimeoutMs: s.connectTimeoutMs, proxy, connections })
  );
}

/** This thread's event-loop delay and busy share, from now until the returned function is called. */
function watchThread(): () => Pick<WorkerFinal, 'eventLoopDelayMs' | 'utilization'> {
  const loopDelay = watchLoopDelay();
  const elu0 = performance.eventLoopUtilization();
  return () => ({ eventLoopDelayMs: loopDelay(), utilization: performance.eventLoopUtilization(elu0).utilization });
}
