import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@berth/db';
import { enqueueNotification, enqueueStage, type LifecycleQueue } from '@berth/queue';
import { decide, jobsForState, type TriggerJob, storedConfig } from './decide.js';
import { recordDelivery, type DeliveryMeta, settleDelivery } from './deliveries.js';
import {
  isHandledAction,
  parsePullRequestEvent,
  PayloadError,
  type PullRequestEvent,
} from './pull-request-event.js';

export interface TriggerDeps {
  prisma: PrismaClient;
  queue: LifecycleQueue;
}

export type TriggerResult =
  | { status: 'replay' }
  | { status: 'ignored'; detail: string }
  | {
      status: 'processed';
      detail: string;
      environmentId: string;
      generation: number;
      state: string;
      /** Deterministic ids of the jobs enqueued (existing ones collapse). */
      jobIds: string[];
    };

type Tx = Prisma.TransactionClient;

// Generous: 25 deliveries for one PR queue up on one row lock; each holds it for milliseconds.
const TX_OPTIONS = { maxWait: 10_000, timeout: 10_000 };

/**
 * Stage 1 for one `pull_request` delivery: record it, and in ONE transaction upsert the
 * repository and the environment, decide the generation under the environment's row lock and
 * create its Revision; then enqueue (deterministic job ids). Only Postgres and Redis: no GitHub,
 * no Docker, so GitHub's 10 s deadline is never at risk.
 *
 * Throws PayloadError (→ 400) for a payload missing what Berth needs.
 */
export async function handlePullRequestDelivery(
  deps: TriggerDeps,
  meta: DeliveryMeta,
  payload: unknown,
): Promise<TriggerResult> {
  const action = (payload as { action?: unknown } | null)?.action;
  if (typeof action !== 'string')
    throw new PayloadError('invalid pull_request payload: action: is required');
  if (!isHandledAction(action)) {
    const fresh = await recordDelivery(
      deps.prisma,
      meta,
      'ignored',
      `action ${action} is not handled`,
    );
    return fresh
      ? { status: 'ignored', detail: `action ${action} is not handled` }
      : { status: 'replay' };
  }
  let event: PullRequestEvent;
  try {
    event = parsePullRequestEvent(payload);
  } catch (error) {
    if (error instanceof PayloadError)
      await recordDelivery(deps.prisma, meta, 'rejected', error.message);
    throw error;
  }

  const decided = await deps.prisma.$transaction(async (tx) => {
    // The delivery row first: a concurrent replay waits on its unique index, then finds it.
    if (!(await insertDelivery(tx, meta))) {
      if (!(await enqueueFailedBefore(tx, meta))) return { status: 'replay' as const };
      return resumeFailedEnqueue(tx, event);
    }
    const repositoryId = await upsertRepository(tx, event);
    const environmentId = await lockEnvironment(tx, repositoryId, event);
    if (!environmentId) {
      await settle(tx, meta, 'ignored', 'no environment to close');
      return { status: 'ignored' as const, detail: 'no environment to close' };
    }
    const row = await tx.environment.findUniqueOrThrow({ where: { id: environmentId } });
    const decision = decide(
      {
        state: row.state,
        generation: row.generation,
        headSha: row.headSha,
        config: storedConfig(row.config),
        approvedSha: row.approvedSha,
        closed: row.closedAt !== null,
      },
      event,
    );
    if (decision.outcome === 'ignored') {
      await settle(tx, meta, 'ignored', decision.detail);
      return { status: 'ignored' as const, detail: decision.detail };
    }
    const { update } = decision;
    const now = new Date();
    await tx.environment.update({
      where: { id: environmentId },
      data: {
        state: update.state,
        generation: update.generation,
        headSha: update.headSha,
        branch: update.branch,
        baseBranch: update.baseBranch,
        isFork: update.isFork,
        approvedSha: update.approvedSha,
        config: { ...update.config },
        labelNotes: update.labelNotes.map((n) => ({ ...n })),
        ...(decision.newRevision
          ? { expiresAt: new Date(now.getTime() + update.config.ttlMs) }
          : {}),
        ...(update.closure === 'closed' ? { closedAt: now } : {}),
        ...(update.closure === 'reopened'
          ? { closedAt: null, destroyedAt: null, readyAt: null }
          : {}),
        ...(update.forgetComment ? { commentId: null } : {}),
      },
    });
    if (decision.newRevision) {
      await tx.revision.create({
        data: {
          environmentId,
          generation: update.generation,
          headSha: update.headSha,
          configSnapshot: { ...update.config },
        },
      });
    }
    return {
      status: 'decided' as const,
      detail: decision.detail,
      environmentId,
      generation: update.generation,
      state: update.state,
      jobs: decision.jobs,
    };
  }, TX_OPTIONS);

  if (decided.status !== 'decided') return decided;
  // After commit: a job must never point at a generation that was rolled back.
  let jobIds: string[];
  try {
    jobIds = await enqueueJobs(deps.queue, decided.environmentId, decided.generation, decided.jobs);
  } catch (error) {
    await settleDelivery(
      deps.prisma,
      meta,
      'failed',
      `enqueue failed: ${(error as Error).message}`,
    );
    throw error;
  }
  await settleDelivery(deps.prisma, meta, 'processed', decided.detail);
  return {
    status: 'processed',
    detail: decided.detail,
    environmentId: decided.environmentId,
    generation: decided.generation,
    state: decided.state,
    jobIds,
  };
}

async function enqueueJobs(
  queue: LifecycleQueue,
  environmentId: string,
  generation: number,
  jobs: TriggerJob[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const job of jobs) {
    ids.push(
      job.kind === 'stage'
        ? await enqueueStage(queue, { environmentId, generation, stage: job.stage })
        : await enqueueNotification(queue, { environmentId, generation, reason: job.reason }),
    );
  }
  return ids;
}

/** The delivery committed earlier but its enqueue failed (outcome `failed`): redo the enqueue. */
async function enqueueFailedBefore(tx: Tx, meta: DeliveryMeta): Promise<boolean> {
  const rows = await tx.$queryRaw<{ outcome: string }[]>`
    SELECT outcome::text AS outcome FROM webhook_deliveries
    WHERE delivery_id = ${meta.deliveryId} FOR UPDATE`;
  return rows[0]?.outcome === 'failed';
}

/** Jobs re-derived from the environment's current row (it may have moved on since). */
async function resumeFailedEnqueue(tx: Tx, event: PullRequestEvent) {
  const row = await tx.environment.findFirst({
    where: {
      repository: { providerId: BigInt(event.repository.providerId) },
      prNumber: event.prNumber,
    },
  });
  if (!row) return { status: 'replay' as const };
  return {
    status: 'decided' as const,
    detail: `generation ${row.generation}: enqueue retried for ${row.state}`,
    environmentId: row.id,
    generation: row.generation,
    state: row.state,
    jobs: jobsForState(row.state),
  };
}

async function insertDelivery(tx: Tx, meta: DeliveryMeta): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_deliveries (id, delivery_id, event, action, outcome)
    VALUES (${randomUUID()}::uuid, ${meta.deliveryId}, ${meta.event}, ${meta.action ?? null}, 'received')
    ON CONFLICT (delivery_id) DO NOTHING
    RETURNING id`;
  return rows.length === 1;
}

function settle(tx: Tx, meta: DeliveryMeta, outcome: 'ignored', detail: string) {
  return tx.webhookDelivery.update({
    where: { deliveryId: meta.deliveryId },
    data: { outcome, detail, processedAt: new Date() },
  });
}

async function upsertRepository(tx: Tx, event: PullRequestEvent): Promise<string> {
  const r = event.repository;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO repositories
      (id, provider_id, full_name, owner, name, installation_id, clone_url, default_branch, updated_at)
    VALUES (${randomUUID()}::uuid, ${BigInt(r.providerId)}, ${r.fullName}, ${r.owner}, ${r.name},
      ${BigInt(r.installationId)}, ${r.cloneUrl}, ${r.defaultBranch}, now())
    ON CONFLICT (provider_id) DO UPDATE SET
      full_name = EXCLUDED.full_name, owner = EXCLUDED.owner, name = EXCLUDED.name,
      installation_id = EXCLUDED.installation_id, clone_url = EXCLUDED.clone_url,
      default_branch = EXCLUDED.default_branch, updated_at = now()
    RETURNING id`;
  const id = rows[0]?.id;
  if (!id) throw new Error(`repository ${r.fullName} was not upserted`);
  return id;
}

/**
 * The environment's id under a row lock (SELECT … FOR UPDATE), inserting it first (generation 0,
 * `pending`: "nothing decided yet") unless the event is a close. Two deliveries for one PR thus
 * decide one after the other, and never both bump from the same generation.
 */
async function lockEnvironment(
  tx: Tx,
  repositoryId: string,
  event: PullRequestEvent,
): Promise<string | undefined> {
  if (event.action !== 'closed') {
    await tx.$executeRaw`
      INSERT INTO environments
        (id, repository_id, pr_number, state, generation, head_sha, branch, base_branch, is_fork, updated_at)
      VALUES (${randomUUID()}::uuid, ${repositoryId}::uuid, ${event.prNumber}, 'pending', 0,
        ${event.headSha}, ${event.branch}, ${event.baseBranch}, ${event.isFork}, now())
      ON CONFLICT (repository_id, pr_number) DO NOTHING`;
  }
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM environments
    WHERE repository_id = ${repositoryId}::uuid AND pr_number = ${event.prNumber}
    FOR UPDATE`;
  return rows[0]?.id;
}
