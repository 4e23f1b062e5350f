import { startSim } from '../sim/server.js';
import { num, type CliArgs } from './args.js';
import { readSimOptions } from './sim-options.js';
import { usageError } from './usage-error.js';

/** `auto-testing sim`: the simulated endpoint on its own, until interrupted. */
export async function simCommand(argv: CliArgs): Promise<number> {
  const problems: string[] = [];
  const options = readSimOptions(argv, '', problems);
  const port = num(argv, 'port') ?? NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`--port: must be an integer 0..65535, got '${String(argv.port)}'`);
  if (problems.length) return usageError(problems);
  const child = Boolean(argv.ipcReady && process.send);
  // a terminal's Ctrl-C reaches the whole process group, start-up included: the parent decides when the
  // simulator stops, and a parent gone before it is up (its channel closed) is an exit, not a stack trace
  if (child) {
    process.on('SIGINT', () => undefined);
    process.once('disconnect', () => process.exit(0));
  }
  const sim = await startSim(options, port, String(argv.host));
  if (child) {
    if (!process.connected) return 0;
    process.send!({ url: sim.url }, (e: Error | null) => e && process.exit(0));
    process.removeAllListeners('disconnect');
    process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
  } else {
    const origin = new URL(sim.url).origin;
    process.stderr.write(
      `auto-testing sim: simulated endpoint at ${sim.url} (POST /chat/completions, /completions, /responses, /messages); ` +
        `also ${origin}/v1beta/models/{model}:streamGenerateContent, ${origin}/generate_stream, ${origin}/api/chat; GET ${origin}/metrics (vLLM's names)${options.faults ? `; injecting faults ${options.faults} (seed ${options.seed})` : ''}\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (!argv.ipcReady) process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  if (process.connected) process.disconnect();
  return 0;
}
