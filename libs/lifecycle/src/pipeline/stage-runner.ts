import { isSuperseded, nextStage, type PipelineStage } from '@berth/core';
import type { EnvironmentState, PrismaClient, Revision, Stage } from '@berth/db';
import { enqueueStage, type LifecycleQueue, type StageJobData } from '@berth/queue';
import type { Logger } from 'pino';
import { withEnvironmentLock } from './environment-lock.js';
import {
  type EnvironmentWithRepository,
  type StageHandler,
  SupersededError,
} from './stage-handler.js';
import type { ReportedEvent, StatusReporter } from './status-reporter.js';

export interface StageRunnerDeps {
  prisma: PrismaClient;
  queue: LifecycleQueue;
  handlers: StageHandler[];
  reporter: StatusReporter;
  logger: Logger;
}

export type StageRunResult = 'succeeded' | 'superseded' | 'failed' | 'retrying' | 'no-environment';

const STATE_DURING: Record<StageJobData['stage'], EnvironmentState> = {
  build: 'building',
  wire: 'provisioning',
  replicate: 'provisioning',
  expose: 'provisioning',
  teardown: 'destroying',
};
/** States in which pipeline stages of the current generation do not run. */
const NOT_PROVISIONING: EnvironmentState[] = ['held', 'skipped', 'destroying', 'destroyed'];

/**
 * Runs one stage job: lock the environment, drop it if superseded, record the stage run, act,
 * record the outcome, enqueue the next stage, tell the pull request. Safe to run twice.
 */
export class StageRunner {
  private readonly handlers: Map<string, StageHandler>;

  constructor(private readonly deps: StageRunnerDeps) {
    this.handlers = new Map(deps.handlers.map((h) => [h.stage, h]));
  }

  async run(job: StageJobData, attempt: number, finalAttempt: boolean): Promise<StageRunResult> {
    return withEnvironmentLock(this.deps.prisma, job.environmentId, () =>
      this.runLocked(job, attempt, finalAttempt),
    );
  }

  private async runLocked(
    job: StageJobData,
    attempt: number,
    finalAttempt: boolean,
  ): Promise<StageRunResult> {
    const { prisma } = this.deps;
    const logger = this.deps.logger.child({ ...job, attempt });
    const environment = await this.loadEnvironment(job.environmentId);
    if (!environment) {
      logger.warn('environment no longer exists; dropping the job');
      return 'no-environment';
    }
    const revision = await prisma.revision.findUnique({
      where: {
        environmentId_generation: { environmentId: job.environmentId, generation: job.generation },
      },
    });
    if (!revision)
      throw new Error(`no revision for generation ${job.generation} of ${job.environmentId}`);

    const stale = this.staleReason(job, environment);
    if (stale) {
      await this.recordRun(revision, job.stage, attempt, {
        status: 'superseded',
        errorMessage: stale,
      });
      logger.info({ reason: stale }, 'stage superseded');
      return 'superseded';
    }

    const handler = this.handlers.get(job.stage);
    if (!handler) throw new Error(`no handler registered for stage ${job.stage}`);
    const startedAt = new Date();
    await this.recordRun(revision, job.stage, attempt, { status: 'running', startedAt });
    if (!(await this.setState(job, { state: STATE_DURING[job.stage] }))) {
      const reason = 'a newer event changed the environment as this stage started';
      await this.recordRun(revision, job.stage, attempt, {
        status: 'superseded',
        errorMessage: reason,
      });
      return 'superseded';
    }
    if (attempt === 1 && (job.stage === 'build' || job.stage === 'teardown')) {
      await this.report(environment.id, revision, { kind: 'started', stage: job.stage });
    }

    try {
      const outcome = await handler.run({
        job,
        attempt,
        environment,
        revision,
        logger,
        assertCurrent: async () => {
          const current = await this.loadEnvironment(job.environmentId);
          const reason = current ? this.staleReason(job, current) : 'environment deleted';
          if (reason) {
            throw new SupersededError(
              job.generation,
              current?.generation ?? job.generation,
              reason,
            );
          }
        },
      });
      const finishedAt = new Date();
      await this.recordRun(revision, job.stage, attempt, {
        status: 'succeeded',
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        errorMessage: null,
        ...(outcome.details ? { details: outcome.details } : {}),
      });
      await this.advance(job, environment.id, revision, logger);
      return 'succeeded';
    } catch (error) {
      const finishedAt = new Date();
      const durationMs = finishedAt.getTime() - startedAt.getTime();
      if (error instanceof SupersededError) {
        await this.recordRun(revision, job.stage, attempt, {
          status: 'superseded',
          finishedAt,
          durationMs,
          errorMessage: error.message,
        });
        logger.info({ reason: error.message }, 'stage superseded mid-run');
        return 'superseded';
      }
      const message = error instanceof Error ? error.message : String(error);
      await this.recordRun(revision, job.stage, attempt, {
        status: 'failed',
        finishedAt,
        durationMs,
        errorMessage: message.slice(0, 4_000),
      });
      if (!finalAttempt) {
        logger.warn({ err: error }, 'stage failed; it will be retried');
        return 'retrying';
      }
      logger.error({ err: error }, 'stage failed on its last attempt');
      if (!(await this.setState(job, { state: 'failed' }))) return 'superseded';
      await this.report(environment.id, revision, {
        kind: 'failed',
        stage: job.stage,
        error: message,
      });
      return 'failed';
    }
  }

  /** Why this job must not act, or undefined when it is current. */
  private staleReason(job: StageJobData, env: EnvironmentWithRepository): string | undefined {
    if (job.stage === 'teardown') {
      return env.generation > job.generation && env.state !== 'destroying'
        ? `the pull request was reopened or updated (generation ${env.generation})`
        : undefined;
    }
    if (isSuperseded(job.generation, env.generation)) {
      return `generation ${env.generation} superseded generation ${job.generation}`;
    }
    if (NOT_PROVISIONING.includes(env.state)) return `the environment is ${env.state}`;
    return undefined;
  }

  private async advance(
    job: StageJobData,
    environmentId: string,
    revision: Revision,
    logger: Logger,
  ): Promise<void> {
    const { queue } = this.deps;
    if (job.stage === 'teardown') {
      if (!(await this.setState(job, { state: 'destroyed', destroyedAt: new Date() }))) {
        logger.info('reopened while tearing down; not marking it destroyed');
        return;
      }
      await this.report(environmentId, revision, { kind: 'destroyed' });
      return;
    }
    const next = nextStage(job.stage as PipelineStage);
    if (next) {
      const id = await enqueueStage(queue, { ...job, stage: next });
      logger.debug({ next, jobId: id }, 'next stage enqueued');
      return;
    }
    if (!(await this.setState(job, { state: 'ready', readyAt: new Date() }))) {
      logger.info('superseded as it became ready; leaving the state to the newer generation');
      return;
    }
    await this.report(environmentId, revision, { kind: 'ready' });
  }

  private async report(environmentId: string, revision: Revision, event: ReportedEvent) {
    const environment = await this.loadEnvironment(environmentId);
    if (!environment) return;
    try {
      const runs = await this.deps.prisma.stageRun.findMany({
        where: { revisionId: revision.id },
        orderBy: [{ createdAt: 'asc' }],
      });
      await this.deps.reporter.report(environment, revision, event, runs);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, environmentId, event: event.kind },
        'status report failed',
      );
    }
  }

  /**
   * The API changes state and generation under its own row lock (not this advisory lock), so
   * every write here is conditional: it lands only while the job is still current, and a close
   * or push that committed a moment ago is never overwritten.
   */
  private async setState(
    job: StageJobData,
    data: { state: EnvironmentState; readyAt?: Date; destroyedAt?: Date },
  ): Promise<boolean> {
    const current =
      job.stage === 'teardown'
        ? { OR: [{ generation: job.generation }, { state: 'destroying' as const }] }
        : { generation: job.generation, state: { notIn: NOT_PROVISIONING } };
    const { count } = await this.deps.prisma.environment.updateMany({
      where: { id: job.environmentId, ...current },
      data,
    });
    return count === 1;
  }

  private loadEnvironment(id: string): Promise<EnvironmentWithRepository | null> {
    return this.deps.prisma.environment.findUnique({
      where: { id },
      include: { repository: true },
    });
  }

  private async recordRun(
    revision: Revision,
    stage: Stage,
    attempt: number,
    data: {
      status: 'running' | 'succeeded' | 'failed' | 'superseded';
      startedAt?: Date;
      finishedAt?: Date;
      durationMs?: number;
      errorMessage?: string | null;
      details?: Record<string, unknown>;
    },
  ): Promise<void> {
    const { details, ...rest } = data;
    const fields = { ...rest, ...(details ? { details: details as object } : {}) };
    await this.deps.prisma.stageRun.upsert({
      where: { revisionId_stage_attempt: { revisionId: revision.id, stage, attempt } },
      create: { revisionId: revision.id, stage, attempt, ...fields },
      update: fields,
    });
  }
}
