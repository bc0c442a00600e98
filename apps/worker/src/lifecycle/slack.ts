import type { WorkerConfig } from '@berth/config';
import type { PrismaClient } from '@berth/db';
import {
  CostQueries,
  type EnvironmentWithRepository,
  environmentSecretValues,
  previewCost,
  type SecretSources,
  SlackSink,
} from '@berth/lifecycle';
import { priceTableOf } from '@berth/config';
import { ChatApiError, SlackChat } from '@berth/providers';
import type { ShortLock } from '@berth/queue';
import type { Logger } from 'pino';

/**
 * The Slack sink (decision 0028), or undefined when SLACK_BOT_TOKEN is unset: then Slack is off
 * and says so in one line at start, nothing more. The token is checked once (auth.test) in the
 * background: a bad one is a warning at start, never a worker that will not start.
 */
export function createSlackSink(options: {
  config: WorkerConfig;
  prisma: PrismaClient;
  lock: ShortLock;
  secretSources: Omit<SecretSources, 'prisma'>;
  logger: Logger;
}): SlackSink | undefined {
  const { config, prisma, lock, secretSources } = options;
  const logger = options.logger.child({ component: 'slack' });
  if (!config.SLACK_BOT_TOKEN) {
    logger.info('Slack notifications off (SLACK_BOT_TOKEN is not set)');
    return undefined;
  }
  const chat = new SlackChat({
    token: config.SLACK_BOT_TOKEN,
    apiUrl: config.SLACK_API_URL,
    log: { warn: (message) => logger.warn(message) },
  });
  chat.identity().then(
    (me) =>
      logger.info(
        { team: me.team, user: me.user, defaultChannel: config.SLACK_CHANNEL ?? null },
        'Slack notifications on',
      ),
    (error: unknown) =>
      logger.warn(
        { code: error instanceof ChatApiError ? error.code : String(error) },
        'Slack notifications on, but the token was refused or Slack is unreachable; messages will be retried',
      ),
  );
  const cost = previewCost(new CostQueries(prisma), priceTableOf(config));
  return new SlackSink({
    prisma,
    chat,
    lock,
    ...(config.SLACK_CHANNEL ? { defaultChannel: config.SLACK_CHANNEL } : {}),
    editIntervalMs: config.SLACK_EDIT_INTERVAL_S * 1000,
    ...(config.CONSOLE_URL ? { consoleUrl: config.CONSOLE_URL } : {}),
    // The comment's masking: every secret value the environment has (decision 0010).
    secrets: (environment: EnvironmentWithRepository) =>
      environmentSecretValues({ ...secretSources, prisma }, environment),
    // Cost telemetry (decision 0025): shown once the preview is destroyed.
    cost: (environmentId) => cost(environmentId),
    onRefused: (error, environment) =>
      logger.warn(
        {
          code: error.code,
          repository: environment.repository.fullName,
          pr: environment.prNumber,
        },
        `${error.message}; not retried (check the channel setting and the app's token and scopes)`,
      ),
  });
}
