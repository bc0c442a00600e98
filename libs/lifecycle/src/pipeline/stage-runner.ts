import { randomUUID } from 'node:crypto';
import {
  EnvironmentQueries,
  type EnvironmentLeases,
  type PrismaClient,
  type Revision,
  RevisionStore,
  type Stage,
  StageRunStore,
  type StageRunWrite,
} from '@berth/db';
import { redactSecrets } from '@berth/core';
import type { StageJobData } from '@berth/queue';
import type { Logger } from 'pino';
import { type EnvironmentCommands, staleReason } from '../commands/environment-commands.js';
import {
  environmentSecretValues,
  type SecretSources,
} from '../secrets/environment-secret-values.js';
import {
  type EnvironmentWithRepository,
  PermanentStageError,
  type StageHandler,
  StageQueuedError,
  SupersededError,
} from './stage-handler.js';

export interface StageRunnerDeps {
  prisma: PrismaClient;
  commands: EnvironmentCommands;
  leases: EnvironmentLeases;
  handlers: StageHandler[];
  logger: Logger;
  /** Who holds leases (shown in `environments.lease_owner`): host + pid of this worker. */
  owner: string;
  /** Lease length; renewed every third of it. */
  leaseTtlMs?: number;
  /** Operator secrets to redact stored errors with, besides the environment's wiring. */
  secretSources?: Omit<SecretSources, 'prisma'>;
}

export type StageRunResult =
  | 'succeeded'
  | 'superseded'
  | 'failed'
  | 'retrying'
  | 'no-environment'
  /** Another stage of this environment holds the lease: run again shortly. */
  | 'locked'
  /** The stage waits for room (StageQueuedError): run again later, no attempt spent. */
  | 'queued';

const DEFAULT_LEASE_TTL_MS = 20_000;
/** Stored error text: room for every problem of a bad compose file (the comment lists them all). */
export const STAGE_ERROR_MAX = 60_000;

/** The lease was lost mid-stage (a stall past its expiry): stop, write nothing. */
export class LeaseLostError extends SupersededError {
  constructor(generation: number) {
    super(generation, generation, 'the stage lease expired and may be held by another worker');
  }
}

/**
 * Runs one stage job under the environment's lease: drop it if superseded, record the stage run,
 * act, then hand the outcome to the command path (which moves the state machine and queues the
 * next stage or the notifications in one transaction). Safe to run twice.
 */
export class StageRunner {
  private readonly handlers: Map<string, StageHandler>;
  private readonly environments: EnvironmentQueries;
  private readonly revisions: RevisionStore;
  private readonly stageRuns: StageRunStore;

  constructor(private readonly deps: StageRunnerDeps) {
    this.handlers = new Map(deps.handlers.map((h) => [h.stage, h]));
    this.environments = new EnvironmentQueries(deps.prisma);
    this.revisions = new RevisionStore(deps.prisma);
    this.stageRuns = new StageRunStore(deps.prisma);
  }

  async run(job: StageJobData, attempt: number, finalAttempt: boolean): Promise<StageRunResult> {
    const { leases } = this.deps;
    const ttl = this.deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const token = randomUUID();
    if (!(await leases.acquire(job.environmentId, this.deps.owner, token, ttl))) return 'locked';
    let lost = false;
    const heartbeat = setInterval(() => {
      leases.renew(job.environmentId, token, ttl).then(
        (held) => {
          if (!held) lost = true;
        },
        (error: unknown) =>
          this.deps.logger.warn({ err: error, ...job }, 'lease renewal failed; retrying'),
      );
    }, ttl / 3);
    try {
      return await this.runLeased(job, attempt, finalAttempt, token, () => lost);
    } finally {
      clearInterval(heartbeat);
      await leases.release(job.environmentId, token).catch(() => undefined);
    }
  }

  private async runLeased(
    job: StageJobData,
    attempt: number,
    finalAttempt: boolean,
    token: string,
    leaseLost: () => boolean,
  ): Promise<StageRunResult> {
    const { commands } = this.deps;
    const logger = this.deps.logger.child({ ...job, attempt });
    const environment = await this.loadEnvironment(job.environmentId);
    if (!environment) {
      logger.warn('environment no longer exists; dropping the job');
      return 'no-environment';
    }
    const revision = await this.revisions.find(job.environmentId, job.generation);
    if (!revision)
      throw new Error(`no revision for generation ${job.generation} of ${job.environmentId}`);

    const stale = staleReason(job, environment);
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
    // A stage that was already waiting tells the PR once, not on every look.
    const wasQueued = (await this.stageRuns.ofRevision(revision.id)).some(
      (run) => run.stage === job.stage && run.attempt === attempt && run.status === 'queued',
    );
    await this.recordRun(revision, job.stage, attempt, { status: 'running', startedAt });
    const announce = attempt === 1 && (job.stage === 'build' || job.stage === 'teardown');
    const started = await commands.stageStarted(job, token, announce);
    if (!started.ok) {
      await this.recordRun(revision, job.stage, attempt, {
        status: 'superseded',
        errorMessage: started.reason,
      });
      return 'superseded';
    }

    const assertCurrent = async () => {
      if (leaseLost()) throw new LeaseLostError(job.generation);
      const current = await this.loadEnvironment(job.environmentId);
      const reason = current ? staleReason(job, current) : 'environment deleted';
      if (reason) {
        throw new SupersededError(job.generation, current?.generation ?? job.generation, reason);
      }
    };
    try {
      const outcome = await handler.run({
        job,
        attempt,
        environment,
        revision,
        logger,
        assertCurrent,
        setServing: async (serving) => {
          const written = await commands.recordServing(job, token, serving);
          if (written.ok) return;
          await assertCurrent();
          throw new Error(`could not record the serving revision: ${written.reason}`);
        },
        setSlot: async (slot) => {
          const written = await commands.recordSlot(job, token, slot);
          if (written.ok) return;
          await assertCurrent();
          throw new Error(`could not record the environment's slot: ${written.reason}`);
        },
      });
      if (leaseLost()) throw new LeaseLostError(job.generation);
      const finishedAt = new Date();
      await this.recordRun(revision, job.stage, attempt, {
        status: 'succeeded',
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        errorMessage: null,
        ...(outcome.details ? { details: outcome.details } : {}),
      });
      const done = await commands.stageSucceeded(job, token);
      if (!done.ok) logger.info({ reason: done.reason }, 'stage result not applied');
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
      // Stored for the comment, the check run and the API, and sent on the event stream: redacted
      // here, once, with every secret of the environment (this stage may just have wired new
      // ones), and before it is cut so no cut can leave half a secret behind.
      const secrets = await environmentSecretValues(
        { ...this.deps.secretSources, prisma: this.deps.prisma },
        environment,
      );
      const message = redactSecrets(
        error instanceof Error ? error.message : String(error),
        secrets,
      );
      // The worker's log gets the same text, and a stack without it.
      const err = loggable(error, message, secrets);
      if (error instanceof StageQueuedError) {
        await this.recordRun(revision, job.stage, attempt, {
          status: 'queued',
          finishedAt,
          durationMs,
          errorMessage: message.slice(0, STAGE_ERROR_MAX),
        });
        logger.info({ reason: message }, 'stage queued; it will run again later');
        const queued = await commands.stageQueued(job, token, message, !wasQueued);
        return queued.ok ? 'queued' : 'superseded';
      }
      await this.recordRun(revision, job.stage, attempt, {
        status: 'failed',
        finishedAt,
        durationMs,
        errorMessage: message.slice(0, STAGE_ERROR_MAX),
        // e.g. where the compose problems are: the check run annotates those lines.
        ...(error instanceof PermanentStageError && error.details
          ? { details: error.details }
          : {}),
      });
      // A spec problem fails the same way every time: one attempt, then the PR message.
      const permanent = error instanceof PermanentStageError && job.stage !== 'teardown';
      if (!finalAttempt && !permanent) {
        // Teardown is never final; past a few attempts it is an alert, not a debug line.
        const level = job.stage === 'teardown' && attempt >= 3 ? 'error' : 'warn';
        logger[level]({ err }, 'stage failed; it will be retried');
        return 'retrying';
      }
      logger.error(
        { err },
        permanent ? 'stage failed permanently; not retried' : 'stage failed on its last attempt',
      );
      const failed = await commands.stageFailed(job, token, message);
      return failed.ok ? 'failed' : 'superseded';
    }
  }

  private loadEnvironment(id: string): Promise<EnvironmentWithRepository | null> {
    return this.environments.find(id);
  }

  private async recordRun(
    revision: Revision,
    stage: Stage,
    attempt: number,
    data: StageRunWrite,
  ): Promise<void> {
    await this.stageRuns.record(revision.id, stage, attempt, data);
  }
}

/** What pino's `err` serializer would write of `error`, with its secrets masked. */
function loggable(error: unknown, message: string, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return message;
  const stack = error.stack === undefined ? undefined : redactSecrets(error.stack, secrets);
  return { type: error.name, message, ...(stack === undefined ? {} : { stack }) };
}
