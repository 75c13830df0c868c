/**
 * The runner executable: `node runner/main.ts --set <set> --runner-id <id> --region <region>`
 * (`--help` lists every flag). Parses the configuration once (exit 2 on a bad flag or variable), starts the runner (exit 1 when it cannot start,
 * e.g. no params and no --allow-defaults), and on SIGINT/SIGTERM stops it cleanly: syncing stops,
 * the quoting loop cancels its orders, a final report goes to the edge, exit 0.
 *
 * Shutdown is bounded whatever the outside world does: a hard deadline (`SHUTDOWN_DEADLINE_MS`)
 * exits 1 if a step hangs (a venue that never confirms a cancel, an edge that never answers), a
 * second signal exits 1 at once, and nothing on the way can block the event loop on stdout (the
 * logger never writes synchronously to a pipe, `log-sink.ts`), so both always get to run.
 */
import { ConfigError, parseRunnerConfig, USAGE } from './config.ts';
import { createLogger } from './log.ts';
import { startRunner, StartupError } from './runner.ts';
import { createTradingLoopFactory } from './trading/create-trading-loop.ts';

/** Longest a shutdown may take before the process exits anyway: 5 s. */
export const SHUTDOWN_DEADLINE_MS = 5_000;

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let config;
  try {
    config = parseRunnerConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line per problem, each prefixed, so every one reads well in a log that shows single lines.
    for (const problem of error.problems) process.stderr.write(`livetune runner: ${problem.message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel, set: config.set, runner: config.runnerId, region: config.region });
  if (argv.some((a) => a === '--token' || a.startsWith('--token='))) {
    logger.warn('--token on the command line is visible to every user of this machine (ps); prefer LIVETUNE_TOKEN');
  }
  let runner;
  try {
    runner = await startRunner(config, { createTradingLoop: createTradingLoopFactory(config.venueOptions), logger });
  } catch (error) {
    logger.fatal({ err_kind: error instanceof StartupError ? 'startup' : 'unexpected' }, (error as Error).message);
    // Not a natural exit: a line still waiting for a stdout nobody reads would keep the process alive.
    process.exit(1);
  }
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    // Unref'd: it never keeps the process alive, it only cuts a shutdown that hangs.
    setTimeout(() => {
      logger.error({ deadline_ms: SHUTDOWN_DEADLINE_MS }, 'shutdown did not complete in time: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    runner.stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await main(process.argv.slice(2));
