// Every environment converges: the sweep finds environments that should be moving but have no
// lease, no pending outbox row and no live job (a job BullMQ failed after stalls, a crash in a
// window nothing else covers, a teardown whose job was lost) and puts them back on the one
// command path. Teardown is requeued until the ledger is empty; a pipeline stage whose job was
// lost is failed with an actionable message instead of hanging in `building` forever.

import { type PipelineStage, PIPELINE_STAGES } from '@berth/core';
import type { ConvergenceQueries, StuckEnvironment } from '@berth/db';
import { jobId as makeJobId } from '@berth/core';
import type { LifecycleQueue, LifecycleStage } from '@berth/queue';
import type { Logger } from 'pino';
import type { EnvironmentCommands } from '../commands/environment-commands.js';

export interface ConvergenceSweepDeps {
  queries: ConvergenceQueries;
  commands: EnvironmentCommands;
  queue: LifecycleQueue;
  logger: Logger;
  /** How long an environment must sit still before the sweep acts on it. */
  quietMs?: number;
}

export interface SweepResult {
  requeued: number;
  retried: number;
  failed: number;
}

const ALIVE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

export class ConvergenceSweep {
  constructor(private readonly deps: ConvergenceSweepDeps) {}

  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { requeued: 0, retried: 0, failed: 0 };
    const stuck = await this.deps.queries.stuck(this.deps.quietMs ?? 60_000);
    for (const env of stuck) {
      try {
        await this.converge(env, result);
      } catch (error) {
        this.deps.logger.error({ err: error, environmentId: env.id }, 'convergence failed');
      }
    }
    if (result.requeued + result.retried + result.failed > 0) {
      this.deps.logger.warn({ ...result }, 'convergence sweep acted');
    }
    return result;
  }

  private async converge(env: StuckEnvironment, result: SweepResult): Promise<void> {
    const { queue, commands, queries, logger } = this.deps;
    const stage = expectedStage(env);
    const id = makeJobId(env.id, env.generation, stage);
    const state = await queue.getJobState(id);
    if (ALIVE.has(state)) return;
    const log = logger.child({
      environmentId: env.id,
      generation: env.generation,
      stage,
      jobState: state,
    });
    await queries.touch(env.id);
    const job = await queue.getJob(id);
    if (state === 'failed' && stage !== 'teardown') {
      const reason = job?.failedReason ?? 'unknown';
      log.error({ reason }, 'stage job failed in the queue without recording a result');
      const written = await commands.stageFailed(
        { environmentId: env.id, generation: env.generation, stage },
        undefined,
        `the ${stage} job was lost by the workers (${reason}); push a commit or add the preview:rebuild label to try again`,
      );
      if (written.ok) result.failed += 1;
      return;
    }
    if (state === 'failed' && job) {
      log.warn('retrying a teardown the queue gave up on');
      await job.retry();
      result.retried += 1;
      return;
    }
    // Completed without its result applied, or missing: queue it again through the outbox.
    await job?.remove().catch(() => undefined);
    if (await commands.requeue(env.id, env.generation, stage)) {
      log.warn('requeued a stage that had no live job');
      result.requeued += 1;
    }
  }
}

/** The job an environment in this state is waiting on. */
function expectedStage(env: StuckEnvironment): LifecycleStage {
  if (env.state !== 'building' && env.state !== 'provisioning') return 'teardown';
  const next = PIPELINE_STAGES.find((s: PipelineStage) => !env.succeeded.includes(s));
  return next ?? 'expose';
}
