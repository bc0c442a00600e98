import { ConfigError } from '@berth/config';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';
import { runReadiness, type ReadinessCheck } from './readiness.js';

export interface RunningService {
  /** Human-readable addresses, logged once at start. */
  addresses: Record<string, string>;
  /** Checked once right after start so an operator sees a down dependency in the first lines. */
  checks?: ReadinessCheck[];
  close: () => Promise<void>;
}

export interface ServiceDefinition<C extends { LOG_LEVEL: string }> {
  service: string;
  loadConfig: () => C;
  start: (config: C, logger: Logger) => Promise<RunningService>;
}

/** Exit code for a configuration error (sysexits.h EX_CONFIG), distinct from a crash. */
export const EXIT_CONFIG = 78;

/**
 * The one way an app process starts: validate config (print every problem, exit 78), start,
 * log where it listens, stop cleanly on SIGTERM/SIGINT. Start-up failures say what failed.
 */
export async function runService<C extends { LOG_LEVEL: string }>(
  definition: ServiceDefinition<C>,
): Promise<void> {
  let config: C;
  try {
    config = definition.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const logger = createLogger(definition.service, config.LOG_LEVEL);
  let running: RunningService;
  try {
    running = await definition.start(config, logger);
  } catch (error) {
    // Some configuration can only be checked once running (e.g. SUBNET_POOL against the host's
    // networks): it is still a configuration error, reported and exited as one.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    const message = describeStartError(error);
    logger.fatal({ err: error }, message);
    process.stderr.write(`${definition.service}: failed to start: ${message}\n`);
    process.exit(1);
  }
  logger.info({ addresses: running.addresses }, `${definition.service} started`);
  void reportDependencies(logger, definition.service, running.checks ?? []);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${definition.service} stopping`);
    // A dependency that never answers must not keep a stopping process alive forever.
    const deadline = setTimeout(() => {
      logger.error('did not stop within 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function describeStartError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const address = (error as { address?: string; port?: number }).port;
  if (code === 'EADDRINUSE')
    return `port ${address} is already in use — pick another with the *_PORT variable`;
  if (code === 'EACCES') return `not allowed to listen on port ${address} — use a port above 1024`;
  return error instanceof Error ? error.message : String(error);
}

/** One warning per unreachable dependency, phrased as what to fix; /readyz keeps reporting it. */
async function reportDependencies(logger: Logger, service: string, checks: ReadinessCheck[]) {
  const report = await runReadiness(checks);
  for (const [name, result] of Object.entries(report.checks)) {
    if (!result.ok) {
      logger.warn(
        { dependency: name, error: result.error },
        `${service} cannot reach ${name}: ${result.error}; /readyz answers 503 until it can`,
      );
    }
  }
}
