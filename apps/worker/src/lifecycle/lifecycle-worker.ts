import type { PrismaClient } from '@berth/db';
import type { StageRunner, StatusReporter } from '@berth/lifecycle';
import {
  LIFECYCLE_QUEUE,
  type LifecycleJobName,
  type NotifyJobData,
  type StageJobData,
} from '@berth/queue';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface LifecycleWorkerDeps {
  prisma: PrismaClient;
  /** A dedicated connection: BullMQ workers block on it. */
  connection: Redis;
  prefix: string;
  concurrency: number;
  runner: StageRunner;
  reporter: StatusReporter;
  logger: Logger;
}

type LifecycleJob = Job<StageJobData | NotifyJobData, unknown, LifecycleJobName>;

/** Consumes the lifecycle queue: stage jobs go to the StageRunner, `notify` jobs to the reporter. */
export function startLifecycleWorker(
  deps: LifecycleWorkerDeps,
): Worker<StageJobData | NotifyJobData, unknown, LifecycleJobName> {
  const worker = new Worker<StageJobData | NotifyJobData, unknown, LifecycleJobName>(
    LIFECYCLE_QUEUE,
    (job: LifecycleJob) => process(deps, job),
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency },
  );
  worker.on('failed', (job, error) =>
    deps.logger.warn({ jobId: job?.id, err: error }, 'lifecycle job attempt failed'),
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'lifecycle worker error'));
  return worker;
}

async function process(deps: LifecycleWorkerDeps, job: LifecycleJob): Promise<unknown> {
  if (job.name === 'notify') return notify(deps, job.data as NotifyJobData);
  const data = job.data as StageJobData;
  const attempt = job.attemptsMade + 1;
  const finalAttempt = attempt >= (job.opts.attempts ?? 1);
  const result = await deps.runner.run(data, attempt, finalAttempt);
  // The runner recorded the failure; throwing hands the retry (with backoff) to BullMQ.
  if (result === 'retrying')
    throw new Error(`${data.stage} failed on attempt ${attempt}; retrying`);
  return result;
}

async function notify(deps: LifecycleWorkerDeps, data: NotifyJobData): Promise<string> {
  const environment = await deps.prisma.environment.findUnique({
    where: { id: data.environmentId },
    include: { repository: true },
  });
  if (!environment || environment.generation !== data.generation) return 'superseded';
  const revision = await deps.prisma.revision.findUnique({
    where: {
      environmentId_generation: { environmentId: data.environmentId, generation: data.generation },
    },
  });
  if (!revision) return 'no-revision';
  const runs = await deps.prisma.stageRun.findMany({
    where: { revisionId: revision.id },
    orderBy: { createdAt: 'asc' },
  });
  await deps.reporter.report(environment, revision, { kind: data.reason }, runs);
  return 'reported';
}
