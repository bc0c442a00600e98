import type { WorkerConfig } from '@berth/config';
import type { EnvironmentCommands, OperatorActionOutcome } from '@berth/lifecycle';
import { type ActionJobData, type ActionJobName, actionQueueName } from '@berth/queue';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { startHostQueueWorker } from './host-queue-worker.js';

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
  return startHostQueueWorker({
    queueName: actionQueueName(config.DOCKER_HOST_NAME),
    connectionName: 'berth-worker-actions',
    config,
    concurrency: 4,
    process: async (job: Job<ActionJobData, OperatorActionOutcome, ActionJobName>) => {
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
    logger,
    failed: 'operator action failed',
    label: 'action',
  });
}
