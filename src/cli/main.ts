#!/usr/bin/env node
import yargs, { type Options } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CAPACITY_OPTIONS, COMPARE_OPTIONS, ENDPOINTS_OPTIONS, LEADERBOARD_OPTIONS, MERGE_OPTIONS, REPORT_OPTIONS } from './command-options.js';
import { RUN_OPTIONS } from './run-options.js';
import { simYargsOptions } from './sim-options.js';
import type { CliArgs } from './args.js';
import { usageError } from './usage-error.js';
import { applyColorChoice, surviveClosedOutput } from './output.js';
import { explainUnknown, relabelHelp } from './suggest.js';
import { attachDashValues, nonDecimalNumbers } from './raw-args.js';
import { WORKLOAD_KEYS } from '../workload/keys.js';
import { setFlagsFromString } from 'node:v8';

// V8's memory reducer runs full GCs when an isolate looks idle, which a worker between arrivals at a
// low rate always does: those pauses (5-10 ms) made send lag p99 ~2 ms at 10 req/s. Process-wide, so it
// must be set before any worker thread (isolate) starts.
setFlagsFromString('--no-memory-reducer');
const given = hideBin(process.argv);
surviveClosedOutput();
applyColorChoice(given, process.env);

const SIM_OPTIONS = {
  port: { type: 'number', default: 8000, describe: 'Port to listen on (0 = any free port)' },
  host: { type: 'string', default: '127.0.0.1', describe: 'Address to bind (loopback unless you say otherwise)' },
  'ipc-ready': { type: 'boolean', hidden: true, default: false },
  ...simYargsOptions(''),
} as const;

// every command's flags by name (a name means the same kind of value in each command that has it)
const ALL_OPTIONS: Record<string, Options> = { ...SIM_OPTIONS, ...MERGE_OPTIONS, ...LEADERBOARD_OPTIONS, ...REPORT_OPTIONS, ...COMPARE_OPTIONS, ...CAPACITY_OPTIONS, ...ENDPOINTS_OPTIONS, ...RUN_OPTIONS };
const args = attachDashValues(given, ALL_OPTIONS);
const notDecimal = nonDecimalNumbers(args, ALL_OPTIONS);
if (notDecimal.length) process.exit(usageError(notDecimal));

const GLOBAL_FLAGS = ['color', 'help', 'version'];
const SHAPE = {
  commands: ['run', 'correctness', 'capacity', 'sim', 'merge', 'leaderboard'],
  flags: Object.fromEntries(
    Object.entries({ run: { ...RUN_OPTIONS, ...ENDPOINTS_OPTIONS }, correctness: RUN_OPTIONS, capacity: CAPACITY_OPTIONS, sim: SIM_OPTIONS, merge: MERGE_OPTIONS, leaderboard: LEADERBOARD_OPTIONS })
      .map(([c, o]) => [c, [...Object.keys(o), ...GLOBAL_FLAGS]]),
  ),
};

if (args.includes('--help') || args.includes('-h')) {
  // yargs prints help with console.log: show number and duration flags by the type they are read as
  const typed = Object.fromEntries(Object.entries(WORKLOAD_KEYS).flatMap(([k, v]) => (v.type === 'number' || v.type === 'duration' ? [[k, v.type]] : [])));
  const log = console.log;
  console.log = (...a: unknown[]) => log(...a.map((x) => (typeof x === 'string' ? relabelHelp(x, typed) : x)));
}

type Handler = (argv: CliArgs) => Promise<number>;

/** Runs a command and turns its result into the process exit code. */
const exitWith = (handler: Handler) => async (argv: CliArgs) => {
  process.exitCode = await handler(argv);
};

// each command's code is imported when it runs: the `sim` child of every simulated run, and a refused flag,
// start without the run engine, undici, the leaderboard or the comparison (see command-options.ts)
const runCommand: Handler = async (argv) => (await import('./run.js')).runCommand(argv);
const endpointsCommand: Handler = async (argv) => (await import('./endpoints.js')).endpointsCommand(argv);
const correctnessCommand: Handler = async (argv) => (await import('./correctness.js')).correctnessCommand(argv);
const capacityCommand: Handler = async (argv) => (await import('./capacity.js')).capacityCommand(argv);
const simCommand: Handler = async (argv) => (await import('./sim.js')).simCommand(argv);
const mergeCommand: Handler = async (argv) => (await import('./merge.js')).mergeCommand(argv);
const leaderboardCommand: Handler = async (argv) => (await import('./leaderboard.js')).leaderboardCommand(argv);
const reportCommand: Handler = async (argv) => (await import('./report.js')).reportCommand(argv);
const compareCommand: Handler = async (argv) => (await import('./compare.js')).compareCommand(argv);

await yargs(args)
  .scriptName('auto-testing')
  .usage('$0 [command] [options]\n\nOpen-loop load tests of LLM inference endpoints.')
  .command(['run', '$0'], 'Fire requests at a fixed arrival rate for a fixed duration, measure every one, report', (y) => y.options({ ...RUN_OPTIONS, ...ENDPOINTS_OPTIONS })
    .example('$0 --rate 10 --duration 120s --endpoint http://127.0.0.1:8000/v1 --model my-model', 'The seed workload against a vLLM / llama.cpp / SGLang server')
    .example('$0 --rate 10 --duration 20s', 'No endpoint: the built-in simulated endpoint')
    .example('OPENAI_API_KEY=... $0 --endpoint https://api.example.com/v1 --model m --max-in-flight 64', 'A hosted API, key from the environment')
    .example('$0 --endpoints leaderboard_data/endpoints.yaml --only vllm,sglang --duration 60s', 'The same workload against each endpoint of a file, in turn'),
  exitWith(async (argv) => {
    if (argv.endpoints === undefined) return runCommand(argv);
    if (argv['dry-run']) return usageError(['--dry-run: one endpoint at a time; give it --endpoint URL --model M instead of --endpoints']);
    return endpointsCommand(argv);
  }))
  .command('correctness', 'LLMPerf\'s correctness test: ask for numbers written in words as digits, check every answer, report the mismatch rate beside the latencies', (y) => y.options(RUN_OPTIONS)
    .example('$0 correctness --endpoint http://127.0.0.1:8000/v1 --model m', '4 in flight, 50 questions (the default), answers checked')
    .example('$0 correctness --sim-wrong-answers 0.1', 'On the simulator, 10% of answers wrong'), exitWith(correctnessCommand))
  .command('capacity', 'Find the highest arrival rate that still meets the SLOs: geometric steps, then bisection', (y) => y.options(CAPACITY_OPTIONS)
    .example("$0 capacity --from 2 --step-duration 60s --slo 'ttft_p99<=2s,tpot_p50<=50ms,error_rate<=1%' --endpoint http://127.0.0.1:8000/v1 --model m", 'Steps 2, 4, 8, ... req/s until one fails, then bisect to 10%'), exitWith(capacityCommand))
  .command('sim', 'Serve the simulated endpoint on its own, speaking every HTTP API --api knows (for this tool and others)', (y) => y.options(SIM_OPTIONS).example('$0 sim --port 8000 --decode-ms 25', 'Then point any tool at http://127.0.0.1:8000/v1'), exitWith(simCommand))
  .command('merge <dirs..>', 'Merge the run folders of shards (--shard/--shards) into one run folder, exactly', (y) => y.options(MERGE_OPTIONS)
    .positional('dirs', { type: 'string', array: true, describe: 'Shard run folders' })
    .example('$0 merge results/20260301T120000.000Z-vllm-shard-* --out results/20260301T120000Z-vllm', 'Counts summed, histograms added, series aligned on the wall clock'), exitWith(mergeCommand))
  .command('leaderboard', 'Render saved results into the Markdown leaderboard (tables, charts); no requests sent', (y) => y.options(LEADERBOARD_OPTIONS)
    .example('$0 leaderboard', 'The latest run per endpoint in ./results -> leaderboard_data/README.md')
    .example('$0 leaderboard --inject README.md', 'Also refresh the README between its leaderboard markers'), exitWith(leaderboardCommand))
  .command('report <dirs..>', 'Write report.html (summary, charts, warnings, configuration: one file that opens offline) from saved run folders', (y) => y.options(REPORT_OPTIONS)
    .positional('dirs', { type: 'string', array: true, describe: 'Run folders, or folders holding runs at any depth' })
    .example('$0 report results/20260301T120000.000Z-vllm', 'Writes results/20260301T120000.000Z-vllm/report.html'), exitWith(reportCommand))
  .command('compare <runs..>', 'Compare runs of the same workload against the first: medians and p99 with bootstrap 95 % intervals of the difference, compare.json and compare.html', (y) => y.options(COMPARE_OPTIONS)
    .positional('runs', { type: 'string', array: true, describe: 'Run folders; the first is the baseline' })
    .example("$0 compare results/before results/after --fail-on-regression 'ttft_p99>10%,itl_p50>10%'", 'Exit 3 when TTFT p99 or ITL p50 got significantly worse by more than 10 %'), exitWith(compareCommand))
  .option('color', { type: 'boolean', describe: 'Colour the terminal output (default: when stdout is a terminal and NO_COLOR is unset; --no-color: never)' })
  .strict()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(120, process.stdout.columns || 120))
  .fail((msg, err) => {
    if (err) throw err;
    process.exit(usageError(explainUnknown(msg, args, SHAPE) ?? [msg.replace(/\n+/g, ' ')]));
  })
  .parseAsync();
