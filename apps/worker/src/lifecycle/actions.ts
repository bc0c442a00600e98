import type { WorkerConfig } from '@berth/config';
import type { EnvironmentCommands, OperatorActionOutcome } from '@berth/lifecycle';
import {
  type ActionJobData,
  type ActionJobName,
  actionQueueName,
  closeRedis,
  createRedis,
} from '@berth/queue';
import { type Job, Worker } from 'bullmq';
import type { Logger } from 'pino';

export interface ActionDeps {
  config: Pick<WorkerConfig, 'REDIS_URL' | 'QUEUE_PREFIX' | 'DOCKER_HOST_NAME'>;
  commands: EnvironmentCommands;
  logger: Logger;
}

/**
 * Operator actions from the REST API (decision 0029) on a worker with the `sweep` role: a
 * BullMQ consumer of this Docker host's `actions-<host>` queue. Each job is one command on the
 * command path (lock → decide → write → outbox); its outcome is the job's return value, which
 * the api reads. A job run twice decides twice under the row lock: the second redeploy is a
 * second generation only because it was asked twice (the api's idempotency keys stop repeats).
 */
export function startActions(deps: ActionDeps) {
  const { config, logger } = deps;
  // BullMQ workers block on their connection: never share it.
  const connection = createRedis(config.REDIS_URL, 'berth-worker-actions');
  const worker = new Worker<ActionJobData, OperatorActionOutcome, ActionJobName>(
    actionQueueName(config.DOCKER_HOST_NAME),
    async (job: Job<ActionJobData, OperatorActionOutcome, ActionJobName>) => {
      const { environmentId, requestedBy } = job.data;
      const outcome =
        job.name === 'destroy'
          ? await deps.commands.operatorDestroy(environmentId, requestedBy)
          : await deps.commands.operatorRedeploy(environmentId, requestedBy, {
              rebuild: job.name === 'rebuild',
            });
      logger.info({ action: job.name, environmentId, requestedBy, outcome }, 'operator action');
      return outcome;
    },
    { connection, prefix: config.QUEUE_PREFIX, concurrency: 4 },
  );
  worker.on('failed', (job, error) =>
    logger.error({ jobId: job?.id, name: job?.name, err: error }, 'operator action failed'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'action worker error'));
  return {
    close: async () => {
      await worker.close();
      await closeRedis(connection);
    },
  };
}
