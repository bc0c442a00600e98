// The one command path: every change to an environment, whoever asks (webhook, stage runner,
// convergence sweep, TTL, sleep and wake; later REST, chat-ops, console), is lock → decide
// (libs/core's state machine) → write → outbox, in one transaction. Nothing else writes
// environment state.

import {
  type ChatCommand,
  chatExtendRefusal,
  type CheckRunWebhook,
  lastCommandLine,
  decide,
  decideRerun,
  decideSleep,
  decideTtl,
  decideWake,
  extendTtl,
  formatDuration,
  type TtlFacts,
  type TtlPolicy,
  ttlTerms,
  type DecisionFacts,
  type EnvironmentEvent,
  orderEvent,
  nextStage,
  type PipelineStage,
  type PullRequestEvent,
  type PullRequestNow,
  storedConfig,
  transition,
  type TriggerJob,
} from '@berth/core';
import type {
  AuditLogStore,
  AuditWrite,
  EnvironmentLeases,
  EnvironmentRow,
  EnvironmentStore,
  Outbox,
  OutboxEntry,
  Tx,
  WebhookInbox,
} from '@berth/db';
import {
  type LifecycleStage,
  SINKS,
  type SinkName,
  sinkOutboxEntry,
  e2eOutboxEntry,
  type StageJobData,
  stageOutboxEntry,
} from '@berth/queue';

export interface EnvironmentCommandsDeps {
  store: EnvironmentStore;
  outbox: Outbox;
  inbox: WebhookInbox;
  leases: EnvironmentLeases;
  /** Where new environments are placed (one Docker host today: DOCKER_HOST_NAME). */
  dockerHost: string;
  /** The sinks the operator turned on (GITHUB_COMMIT_STATUS, GITHUB_CHECK_RUNS); default all. */
  sinks?: readonly SinkName[];
  /** Queue an `e2e` job when a generation becomes ready (the E2E gate; off unless set). */
  e2eTests?: boolean;
  /** Where PR chat-ops are recorded with their author, in the action's transaction. */
  audit?: Pick<AuditLogStore, 'append'>;
  now?: () => Date;
}

/** The kinds on the lifecycle event stream (PR comment, commit status, … are sinks on it). */
export type LifecycleEventKind =
  /**
   * A new generation will build: its head's check run shows it queued, and Slack's message
   * (decision 0028) says so (check and slack sinks only).
   */
  | 'requested'
  | 'started'
  | 'queued'
  | 'ready'
  | 'failed'
  | 'destroyed'
  | 'held'
  | 'skipped'
  /** The TTL runs out soon (decision 0020): the PR is told how to keep the preview. */
  | 'expiring'
  /** The TTL ran out: teardown follows, the PR stays open. */
  | 'expired'
  /** An operator moved expiry (`berth env extend`). */
  | 'extended'
  /** Put to sleep (decision 0024): containers stopped, data kept; a request wakes it. */
  | 'asleep'
  /** Woken: by a request through the gateway, or an operator. */
  | 'awake'
  /**
   * A stage started that the PR is not told about (wire, replicate, expose, retries): for the
   * change feed only (decision 0030); every other sink's "is there a newer event" ignores it.
   */
  | 'stage'
  /** A PR chat-op was answered (decision 0026): its detail is the comment's "last command" line. */
  | 'command';

export type PullRequestOutcome =
  | { status: 'processed'; detail: string; environmentId: string; generation: number }
  | { status: 'ignored'; detail: string }
  /** Another worker settled this delivery first. */
  | { status: 'already-settled' }
  /** The locked row changed since the caller looked: ask GitHub (see orderEvent) and retry. */
  | { status: 'needs-confirmation'; reason: string };

export type RerunOutcome =
  | { status: 'processed'; detail: string; environmentId: string; generation: number }
  | { status: 'ignored'; detail: string }
  | { status: 'already-settled' };

/** A stage's write was refused: its generation is no longer current, or its lease was lost. */
export type StageWrite = { ok: true; state: string } | { ok: false; reason: string };

export interface PullRequestDelivery {
  deliveryId: string;
}

/** What a TTL command needs besides the row: the operator's policy and the repository's default. */
export interface TtlContext {
  policy: TtlPolicy;
  repositoryDefaultTtlHours: number | null;
}

export type TtlOutcome =
  | { status: 'warned' | 'expired' | 'extended'; expiresAt: Date; generation: number }
  /** Another worker (or a push, a label, an extension) got there first: nothing written. */
  | { status: 'skipped'; reason: string }
  | { status: 'refused'; reason: string }
  | { status: 'gone' };

/** An operator's redeploy, rebuild or destroy through the REST API (decision 0029). */
export type OperatorActionOutcome =
  | { status: 'redeploying' | 'destroying'; generation: number }
  | { status: 'refused'; reason: string }
  | { status: 'gone' };

export type SleepOutcome =
  /** Marked asleep now, or (`already`) by an earlier run: its containers may be stopped. */
  | { status: 'asleep'; sleptAt: Date; generation: number; already: boolean }
  | { status: 'refused'; reason: string }
  | { status: 'gone' };

export type WakeOutcome =
  | { status: 'woken'; generation: number }
  /** Nothing written: already awake, a push's new generation will wake it, or the lease was lost. */
  | { status: 'skipped'; reason: string }
  | { status: 'gone' };

/** The TTL facts of a locked environment row (decision 0020). */
export function ttlFactsOf(
  env: EnvironmentRow,
  repositoryDefaultTtlHours: number | null,
): TtlFacts {
  return {
    prNumber: env.prNumber,
    state: env.state,
    closed: env.closedAt !== null,
    createdAt: env.createdAt.getTime(),
    ttlStartedAt: env.ttlStartedAt.getTime(),
    readyAt: env.readyAt?.getTime() ?? null,
    labelTtlMs: env.ttlLabelMs,
    repositoryDefaultTtlHours,
    extendedUntil: env.ttlExtendedUntil?.getTime() ?? null,
    warnedFor: env.ttlWarnedFor?.getTime() ?? null,
  };
}

export class EnvironmentCommands {
  constructor(private readonly deps: EnvironmentCommandsDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * A `pull_request` delivery from the inbox. The delivery is claimed in the same transaction as
   * the change it causes, so it is applied exactly once however many workers race for it.
   */
  async pullRequest(
    delivery: PullRequestDelivery,
    event: PullRequestEvent,
    facts: DecisionFacts & { now?: PullRequestNow } = {},
  ): Promise<PullRequestOutcome> {
    const { store, inbox } = this.deps;
    return store.transaction(async (tx) => {
      if (!(await inbox.claim(tx, delivery.deliveryId))) return { status: 'already-settled' };
      const repositoryId = await store.upsertRepository(tx, event.repository);
      const env = await store.lockPullRequest(
        tx,
        repositoryId,
        {
          number: event.prNumber,
          headSha: event.headSha,
          branch: event.branch,
          baseBranch: event.baseBranch,
          isFork: event.isFork,
        },
        event.action === 'closed' ? undefined : { dockerHost: this.deps.dockerHost },
      );
      const ignore = async (detail: string) => {
        await inbox.settle(tx, delivery.deliveryId, 'ignored', detail);
        return { status: 'ignored' as const, detail };
      };
      if (!env) return ignore('no environment to close');

      const snapshot = {
        state: env.state,
        generation: env.generation,
        headSha: env.headSha,
        config: storedConfig(env.config),
        approvedSha: env.approvedSha,
        closed: env.closedAt !== null,
        prUpdatedAt: env.prUpdatedAt?.getTime() ?? null,
        expired: env.expiredAt !== null,
      };
      const order = orderEvent(event, snapshot, facts.now);
      if (order.verdict === 'stale') return ignore(order.reason);
      if (order.verdict === 'confirm') {
        // Nothing written: the transaction rolls back and the caller asks GitHub first.
        return { status: 'needs-confirmation', reason: order.reason };
      }

      const decision = decide(snapshot, event, facts);
      if (decision.outcome === 'ignored') return ignore(decision.detail);
      const { update } = decision;
      const now = this.now();
      await store.write(tx, env.id, {
        state: update.state,
        generation: update.generation,
        headSha: update.headSha,
        branch: update.branch,
        baseBranch: update.baseBranch,
        isFork: update.isFork,
        approvedSha: update.approvedSha,
        config: { ...update.config },
        labelNotes: update.labelNotes.map((n) => ({ ...n })),
        prUpdatedAt: new Date(update.prUpdatedAt),
        ttlLabelMs: update.ttlLabelMs,
        // A new generation restarts the TTL clock (decision 0020); the sweep shows the expiry.
        ...(decision.newRevision ? { ttlStartedAt: now, expiredAt: null } : {}),
        ...(update.closure === 'closed' ? { closedAt: now } : {}),
        ...(update.closure === 'reopened'
          ? { closedAt: null, destroyedAt: null, readyAt: null }
          : {}),
        ...(update.forgetComment ? { commentId: null } : {}),
      });
      if (decision.newRevision) {
        await store.createRevision(tx, {
          environmentId: env.id,
          generation: update.generation,
          headSha: update.headSha,
          config: { ...update.config },
        });
      }
      await this.emitJobs(tx, env.id, update.generation, decision.jobs);
      if (
        decision.newRevision &&
        decision.jobs.some((j) => j.kind === 'stage' && j.stage === 'build')
      ) {
        await this.emit(tx, env.id, update.generation, 'requested', {}, ['check', 'slack']);
      }
      await inbox.settle(tx, delivery.deliveryId, 'processed', decision.detail);
      return {
        status: 'processed',
        detail: decision.detail,
        environmentId: env.id,
        generation: update.generation,
      };
    });
  }

  /**
   * "Re-run" on Berth's check run (`check_run` `rerequested`, from the inbox like every
   * delivery): the PR's current head is deployed again as a new generation. A re-run of an older
   * head, a closed PR or a held/skipped preview is settled `ignored` with the reason.
   */
  async rerun(delivery: PullRequestDelivery, event: CheckRunWebhook): Promise<RerunOutcome> {
    const { store, inbox } = this.deps;
    const prNumber = event.prNumber;
    const found =
      prNumber === undefined
        ? null
        : await store.findByPullRequest(event.repository.providerId, prNumber);
    return store.transaction(async (tx) => {
      if (!(await inbox.claim(tx, delivery.deliveryId))) return { status: 'already-settled' };
      const ignore = async (detail: string) => {
        await inbox.settle(tx, delivery.deliveryId, 'ignored', detail);
        return { status: 'ignored' as const, detail };
      };
      const env = found ? await store.lock(tx, found.id) : undefined;
      if (!env) return ignore('Berth has no preview for this pull request');
      const config = storedConfig(env.config);
      const decision = decideRerun(rerunFacts(env, config), {
        headSha: event.headSha,
        isFork: env.isFork,
      });
      if (decision.outcome === 'ignored') return ignore(decision.reason);
      const { generation } = decision;
      await store.write(tx, env.id, {
        state: decision.state,
        generation,
        ttlStartedAt: this.now(),
        expiredAt: null,
      });
      await store.createRevision(tx, {
        environmentId: env.id,
        generation,
        headSha: env.headSha,
        config: { ...config },
      });
      await this.emitJobs(tx, env.id, generation, [{ kind: 'stage', stage: 'build' }]);
      await this.emit(tx, env.id, generation, 'requested', {}, ['check', 'slack']);
      const detail = `generation ${generation}: re-run by ${event.sender}`;
      await inbox.settle(tx, delivery.deliveryId, 'processed', detail);
      return { status: 'processed', detail, environmentId: env.id, generation };
    });
  }

  /** A stage took its lease and starts; the environment shows it. */
  stageStarted(job: StageJobData, leaseToken: string, announce: boolean): Promise<StageWrite> {
    return this.stageCommand(
      job,
      leaseToken,
      { type: 'stage_started', stage: job.stage },
      (env, tx) =>
        announce
          ? this.emit(tx, env.id, job.generation, 'started', { stage: job.stage })
          : this.emit(tx, env.id, job.generation, 'stage', { stage: job.stage }, []),
    );
  }

  /**
   * A stage succeeded: the next stage goes to the outbox in the same transaction (a crash right
   * after cannot strand the pipeline), or the environment becomes ready / destroyed.
   */
  stageSucceeded(job: StageJobData, leaseToken: string): Promise<StageWrite> {
    if (job.stage === 'teardown') {
      return this.stageCommand(job, leaseToken, { type: 'destroyed' }, async (env, tx, state) => {
        // A revoked fork stays held (its `held` event went out with the revocation).
        if (state !== 'destroyed') return;
        await this.deps.store.write(tx, env.id, {
          state,
          generation: env.generation,
          destroyedAt: this.now(),
          servingSha: null,
          servingRevision: null,
          ...(env.sleptAt ? { sleptAt: null } : {}),
        });
        await this.emit(tx, env.id, job.generation, 'destroyed');
      });
    }
    const stage = job.stage as PipelineStage;
    return this.stageCommand(
      job,
      leaseToken,
      { type: 'stage_succeeded', stage },
      async (env, tx, state) => {
        if (state === 'ready') {
          // A push to a sleeping preview redeployed it: ready is awake (decision 0024).
          await this.deps.store.write(tx, env.id, {
            state,
            generation: env.generation,
            readyAt: this.now(),
            servingSha: env.headSha,
            servingRevision: env.generation,
            ...(env.sleptAt ? { sleptAt: null } : {}),
          });
          const eventId = await this.append(tx, env.id, job.generation, 'ready');
          if (this.deps.e2eTests) {
            const e2e = { eventId, environmentId: env.id, generation: job.generation };
            await this.deps.outbox.add(tx, [e2eOutboxEntry(e2e)]);
          }
          return;
        }
        const next = nextStage(stage);
        if (next) await this.deps.outbox.add(tx, [stageOutboxEntry({ ...job, stage: next })]);
      },
    );
  }

  /**
   * A write by the stage that holds the lease, to the environment of its own generation: the
   * environment locked, the lease and the generation checked, then `write` in that transaction.
   */
  private underLease(
    job: StageJobData,
    leaseToken: string,
    write: (tx: Tx, env: EnvironmentRow) => Promise<StageWrite>,
  ): Promise<StageWrite> {
    const { store, leases } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, job.environmentId);
      if (!env) return { ok: false, reason: 'the environment no longer exists' };
      if (!(await leases.holds(tx, env.id, leaseToken))) {
        return { ok: false, reason: 'the stage lease was lost (it ran past its lease)' };
      }
      const stale = staleReason(job, env);
      if (stale) return { ok: false, reason: stale };
      return write(tx, env);
    });
  }

  /**
   * What answers at the URLs, from the replicate stage (decision 0038): `null` when it replaces a
   * long-running container of an older serving revision (the URLs answer with the new one, or
   * nothing, so the PR stops being told the older commit serves); that older revision again
   * once it was put back after the new one failed. No state change, no event: the next report
   * renders it.
   */
  recordServing(
    job: StageJobData,
    leaseToken: string,
    serving: { sha: string; revision: number } | null,
  ): Promise<StageWrite> {
    const { store } = this.deps;
    return this.underLease(job, leaseToken, async (tx, env) => {
      if (serving) {
        if (serving.revision >= job.generation) {
          return { ok: false, reason: 'only an older revision is put back by replicate' };
        }
        await store.write(tx, env.id, {
          state: env.state,
          generation: env.generation,
          servingSha: serving.sha,
          servingRevision: serving.revision,
        });
      } else if (env.servingRevision !== null && env.servingRevision < job.generation) {
        await store.write(tx, env.id, {
          state: env.state,
          generation: env.generation,
          servingSha: null,
          servingRevision: null,
        });
      }
      return { ok: true, state: env.state };
    });
  }

  /**
   * The replicate stage moved the preview to the revision it started beside the serving one, in
   * the environment's other slot (decision 0040): the routes now lead there, so the older revision
   * no longer answers at the URLs. No state change, no event: the stage goes on to expose.
   */
  recordSlot(job: StageJobData, leaseToken: string, slot: number): Promise<StageWrite> {
    const { store } = this.deps;
    return this.underLease(job, leaseToken, async (tx, env) => {
      const older = env.servingRevision !== null && env.servingRevision < job.generation;
      await store.write(tx, env.id, {
        state: env.state,
        generation: env.generation,
        slot,
        ...(older ? { servingSha: null, servingRevision: null } : {}),
      });
      return { ok: true, state: env.state };
    });
  }

  /**
   * A stage waits for room (host memory): the state stays, the lease goes back, and the PR is
   * told why (`announce`: only when it starts waiting, not on every later look).
   */
  stageQueued(
    job: StageJobData,
    leaseToken: string,
    reason: string,
    announce: boolean,
  ): Promise<StageWrite> {
    return this.stageCommand(
      job,
      leaseToken,
      { type: 'stage_started', stage: job.stage },
      (env, tx) =>
        announce
          ? this.emit(tx, env.id, job.generation, 'queued', { stage: job.stage, detail: reason })
          : Promise.resolve(),
      true,
    );
  }

  /** A stage failed for good (its last attempt, or lost beyond recovery). */
  stageFailed(
    job: StageJobData,
    leaseToken: string | undefined,
    error: string,
  ): Promise<StageWrite> {
    if (job.stage === 'teardown') {
      // Teardown never fails for good: it is retried until the ledger is empty.
      return Promise.resolve({ ok: false, reason: 'teardown is retried, never failed' });
    }
    return this.stageCommand(
      job,
      leaseToken,
      { type: 'stage_failed', stage: job.stage as PipelineStage },
      async (env, tx, state) => {
        // A failed redeploy of a sleeping preview has nothing to wake: it shows as failed.
        if (env.sleptAt && state === 'failed') {
          await this.deps.store.write(tx, env.id, {
            state,
            generation: env.generation,
            sleptAt: null,
          });
        }
        await this.emit(tx, env.id, job.generation, 'failed', { stage: job.stage, detail: error });
      },
    );
  }

  /**
   * TTL (decision 0020), step one: the warning, once per expiry. Decided again under the row
   * lock, so a push, a label or an extension that landed since the sweep looked wins, and a
   * second worker finds the warning already written.
   */
  async ttlWarn(environmentId: string, context: TtlContext): Promise<TtlOutcome> {
    const { store } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      const now = this.now();
      const verdict = decideTtl(
        ttlFactsOf(env, context.repositoryDefaultTtlHours),
        now.getTime(),
        context.policy,
      );
      if (verdict.action !== 'warn') {
        return { status: 'skipped', reason: verdict.action === 'none' ? verdict.reason : 'due' };
      }
      const expiresAt = new Date(verdict.expiresAt);
      await store.write(tx, env.id, {
        state: env.state,
        generation: env.generation,
        ttlWarnedFor: expiresAt,
        expiresAt,
        ttlMs: verdict.terms.ttlMs,
        ...(verdict.extendedUntil ? { ttlExtendedUntil: new Date(verdict.extendedUntil) } : {}),
      });
      const detail = `expires at ${expiresAt.toISOString()} (TTL ${formatDuration(verdict.terms.ttlMs)}, ${verdict.terms.source})`;
      await this.emit(tx, env.id, env.generation, 'expiring', { detail }, ['comment', 'slack']);
      return { status: 'warned', expiresAt, generation: env.generation };
    });
  }

  /**
   * TTL, step two: the expiry it warned about has passed. Torn down like a close (a new
   * generation supersedes whatever still runs; teardown walks the ledger), but the PR stays
   * open: a push, a label change or a re-run brings it back.
   */
  async ttlExpire(environmentId: string, context: TtlContext): Promise<TtlOutcome> {
    const { store } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      const now = this.now();
      const verdict = decideTtl(
        ttlFactsOf(env, context.repositoryDefaultTtlHours),
        now.getTime(),
        context.policy,
      );
      if (verdict.action !== 'expire') {
        return {
          status: 'skipped',
          reason: verdict.action === 'none' ? verdict.reason : 'not warned yet',
        };
      }
      const result = transition(env.state, { type: 'expired' });
      if (!result.ok || !result.changed) {
        return { status: 'skipped', reason: `the environment is ${env.state}` };
      }
      const generation = env.generation + 1;
      const expiresAt = new Date(verdict.terms.expiresAt);
      await store.write(tx, env.id, {
        state: result.state,
        generation,
        expiredAt: now,
        expiresAt,
        ttlMs: verdict.terms.ttlMs,
      });
      await store.createRevision(tx, {
        environmentId: env.id,
        generation,
        headSha: env.headSha,
        config: { ...storedConfig(env.config) },
      });
      const detail = `TTL ${formatDuration(verdict.terms.ttlMs)} (${verdict.terms.source}) ran out at ${expiresAt.toISOString()}`;
      await this.emit(tx, env.id, generation, 'expired', { detail }, ['comment', 'slack']);
      await this.emitJobs(tx, env.id, generation, [{ kind: 'stage', stage: 'teardown' }]);
      return { status: 'expired', expiresAt, generation };
    });
  }

  /** An operator's extension (`berth env extend … --by 24h`, through the admin api). */
  async ttlExtend(
    environmentId: string,
    byMs: number,
    requestedBy: string,
    context: TtlContext,
  ): Promise<TtlOutcome> {
    const { store } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      return this.extendLocked(tx, env, byMs, requestedBy, context);
    });
  }

  /**
   * `ttlExtend` under the caller's row lock. `ceilingMs` (a PR's own `/berth extend`, decision
   * 0026) refuses an expiry further than that from now: operator policy is not the PR's to loosen.
   */
  private async extendLocked(
    tx: Tx,
    env: EnvironmentRow,
    byMs: number,
    requestedBy: string,
    context: TtlContext,
    ceilingMs?: number,
  ): Promise<TtlOutcome> {
    const { store } = this.deps;
    const facts = ttlFactsOf(env, context.repositoryDefaultTtlHours);
    const now = this.now().getTime();
    const extension = extendTtl(facts, byMs, now, context.policy);
    if (!extension.ok) return { status: 'refused', reason: extension.reason };
    const beyond =
      ceilingMs === undefined
        ? undefined
        : chatExtendRefusal(byMs, extension.expiresAt, now, ceilingMs);
    if (beyond) return { status: 'refused', reason: beyond };
    const terms = ttlTerms({ ...facts, extendedUntil: extension.extendedUntil }, context.policy);
    const expiresAt = new Date(extension.expiresAt);
    await store.write(tx, env.id, {
      state: env.state,
      generation: env.generation,
      ttlExtendedUntil: new Date(extension.extendedUntil),
      expiresAt,
      ...(terms ? { ttlMs: terms.ttlMs } : {}),
    });
    const detail = `extended by ${formatDuration(byMs)} by ${requestedBy}: expires at ${expiresAt.toISOString()}`;
    await this.emit(tx, env.id, env.generation, 'extended', { detail }, ['comment', 'slack']);
    return { status: 'extended', expiresAt, generation: env.generation };
  }

  /**
   * An operator's redeploy (REST API, decision 0029): the current head again as a new
   * generation, the check-run Re-run's decision (`decideRerun`: refused for a closed, held or
   * skipped preview). `rebuild` also bypasses the build cache for that generation only: it is
   * set on the revision's config snapshot, not on the environment's labels.
   */
  async operatorRedeploy(
    environmentId: string,
    requestedBy: string,
    options: { rebuild: boolean },
  ): Promise<OperatorActionOutcome> {
    const { store } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      return this.redeployLocked(tx, env, requestedBy, options);
    });
  }

  /** `operatorRedeploy` under the caller's row lock. */
  private async redeployLocked(
    tx: Tx,
    env: EnvironmentRow,
    requestedBy: string,
    options: { rebuild: boolean },
  ): Promise<OperatorActionOutcome> {
    const { store } = this.deps;
    const config = storedConfig(env.config);
    const decision = decideRerun(rerunFacts(env, config), {
      headSha: env.headSha,
      isFork: env.isFork,
    });
    if (decision.outcome === 'ignored') return { status: 'refused', reason: decision.reason };
    const { generation } = decision;
    await store.write(tx, env.id, {
      state: decision.state,
      generation,
      ttlStartedAt: this.now(),
      expiredAt: null,
    });
    await store.createRevision(tx, {
      environmentId: env.id,
      generation,
      headSha: env.headSha,
      config: { ...config, ...(options.rebuild ? { rebuild: true } : {}) },
    });
    await this.emitJobs(tx, env.id, generation, [{ kind: 'stage', stage: 'build' }]);
    const detail = `${options.rebuild ? 'rebuild' : 'redeploy'} requested by ${requestedBy}`;
    await this.emit(tx, env.id, generation, 'requested', { detail }, ['check', 'slack']);
    return { status: 'redeploying', generation };
  }

  /**
   * An operator's destroy (REST API, decision 0029): torn down like a TTL expiry (the same
   * `expired` edge, a new generation, the teardown job), so the PR stays open and a push, a
   * label change or a redeploy brings it back. Refused for a closed PR (its close tears it
   * down) and the base environment.
   */
  async operatorDestroy(
    environmentId: string,
    requestedBy: string,
  ): Promise<OperatorActionOutcome> {
    const { store } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      return this.destroyLocked(tx, env, requestedBy);
    });
  }

  /** `operatorDestroy` under the caller's row lock. */
  private async destroyLocked(
    tx: Tx,
    env: EnvironmentRow,
    requestedBy: string,
  ): Promise<OperatorActionOutcome> {
    const { store } = this.deps;
    if (env.prNumber === 0) {
      return { status: 'refused', reason: 'the base environment is not destroyed on request' };
    }
    if (env.closedAt !== null) {
      return {
        status: 'refused',
        reason: 'the pull request is closed: its preview is torn down',
      };
    }
    const result = transition(env.state, { type: 'expired' });
    if (!result.ok) return { status: 'refused', reason: result.error.message };
    if (!result.changed) return { status: 'refused', reason: `the preview is ${env.state}` };
    const now = this.now();
    const generation = env.generation + 1;
    await store.write(tx, env.id, {
      state: result.state,
      generation,
      expiredAt: now,
      expiresAt: now,
    });
    await store.createRevision(tx, {
      environmentId: env.id,
      generation,
      headSha: env.headSha,
      config: { ...storedConfig(env.config) },
    });
    const detail = `destroyed on request by ${requestedBy}`;
    await this.emit(tx, env.id, generation, 'expired', { detail }, ['comment', 'slack']);
    await this.emitJobs(tx, env.id, generation, [{ kind: 'stage', stage: 'teardown' }]);
    return { status: 'destroying', generation };
  }

  /**
   * A PR chat-op (`/berth …` in a PR comment, decision 0026), from the inbox like every delivery:
   * the delivery is claimed in the same transaction as the action, so a replay acts once. The
   * caller decided what the comment may do (parse, write permission); here the action runs on
   * the locked row, and the answer becomes the sticky comment's "last command" line (an event
   * for the comment sink alone). Without a preview the delivery is settled with nothing to say.
   */
  async chatOp(delivery: PullRequestDelivery, request: ChatOpRequest): Promise<ChatOpOutcome> {
    const { store, inbox } = this.deps;
    const found = await store.findByPullRequest(request.repositoryProviderId, request.prNumber);
    return store.transaction(async (tx) => {
      if (!(await inbox.claim(tx, delivery.deliveryId))) return { status: 'already-settled' };
      const env = found ? await store.lock(tx, found.id) : undefined;
      if (!env) {
        const result = 'Berth has no preview for this pull request';
        await inbox.settle(tx, delivery.deliveryId, 'ignored', result);
        return { status: 'answered', accepted: false, result };
      }
      const answer = await this.chatOpLocked(tx, env, request);
      const line = lastCommandLine({
        author: request.author,
        text: request.text,
        result: answer.result,
      });
      // The action may have moved the generation (redeploy, destroy): the answer renders with it.
      const current = (await store.lock(tx, env.id)) ?? env;
      await this.emit(tx, env.id, current.generation, 'command', { detail: line }, ['comment']);
      const detail = `${request.text} by ${request.author}: ${answer.result}`;
      await this.deps.audit?.append(chatOpAuditEntry(env.id, request, answer), tx);
      await inbox.settle(
        tx,
        delivery.deliveryId,
        answer.accepted ? 'processed' : 'ignored',
        detail,
      );
      return { status: 'answered', environmentId: env.id, ...answer };
    });
  }

  private async chatOpLocked(
    tx: Tx,
    env: EnvironmentRow,
    request: ChatOpRequest,
  ): Promise<{ accepted: boolean; result: string }> {
    const refused = (reason: string) => ({ accepted: false, result: `refused: ${reason}` });
    if (request.command === undefined) return refused(request.refusal);
    const by = `${request.author} (PR comment)`;
    const command = request.command;
    switch (command.name) {
      case 'redeploy':
      case 'rebuild': {
        const rebuild = command.name === 'rebuild';
        const outcome = await this.redeployLocked(tx, env, by, { rebuild });
        if (outcome.status !== 'redeploying') return refused(operatorReason(outcome));
        return {
          accepted: true,
          result: `${command.name} started (generation ${outcome.generation})`,
        };
      }
      case 'destroy': {
        const outcome = await this.destroyLocked(tx, env, by);
        if (outcome.status !== 'destroying') return refused(operatorReason(outcome));
        return {
          accepted: true,
          result: 'destroying the preview (push a commit or `/berth redeploy` to bring it back)',
        };
      }
      case 'extend': {
        const outcome = await this.extendLocked(
          tx,
          env,
          command.byMs,
          by,
          request.ttl,
          request.ttl.policy.maxMs,
        );
        if (outcome.status !== 'extended') {
          return refused(
            outcome.status === 'refused' || outcome.status === 'skipped'
              ? outcome.reason
              : 'the preview is gone',
          );
        }
        return { accepted: true, result: `expires at ${outcome.expiresAt.toISOString()}` };
      }
      case 'status': {
        const expires = env.expiresAt ? `, expires at ${env.expiresAt.toISOString()}` : '';
        const asleep = env.sleptAt ? ', asleep' : '';
        return {
          accepted: true,
          result: `the preview is ${env.state}${asleep} (generation ${env.generation}, commit \`${env.headSha.slice(0, 7)}\`${expires})`,
        };
      }
      case 'link':
        // Previews are private and a PR comment is public on a public repository: a share link
        // is a credential and never goes there (decision 0013); it is minted where only the
        // asker sees it.
        return {
          accepted: true,
          result:
            'share links are never posted in a pull request: mint one with `berth env link` or `POST /api/v1/environments/{id}/share-links`',
        };
    }
  }

  /**
   * Sleep (decision 0024), step one, under the caller's lease on the environment: decided again
   * under the row lock, it marks the preview asleep and tells the event stream, so gateways
   * answer "waking up" before a container stops (the caller stops them next, then publishes).
   * A second run finds it `already` asleep and only makes sure its containers are stopped.
   */
  async sleep(
    environmentId: string,
    leaseToken: string,
    requestedBy: string,
    why: string,
  ): Promise<SleepOutcome> {
    const { store, leases } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      if (!(await leases.holds(tx, env.id, leaseToken))) {
        return { status: 'refused', reason: 'the lease on the environment was lost' };
      }
      const verdict = decideSleep({
        prNumber: env.prNumber,
        state: env.state,
        closed: env.closedAt !== null,
        sleptAt: env.sleptAt?.getTime() ?? null,
        borrowers: await store.borrowers(tx, env.id),
      });
      if (verdict.action === 'refuse') return { status: 'refused', reason: verdict.reason };
      if (verdict.action === 'already') {
        const sleptAt = env.sleptAt as Date;
        return { status: 'asleep', sleptAt, generation: env.generation, already: true };
      }
      const sleptAt = this.now();
      await store.write(tx, env.id, { state: env.state, generation: env.generation, sleptAt });
      const detail = `put to sleep by ${requestedBy}: ${why}`;
      await this.emit(tx, env.id, env.generation, 'asleep', { detail }, ['comment', 'slack']);
      return { status: 'asleep', sleptAt, generation: env.generation, already: false };
    });
  }

  /**
   * Wake, last step: its containers are started and ready again; the mark goes (gateways read
   * the routes again once the caller publishes). Only the sleep it woke from is cleared: a push
   * meanwhile (a new generation) is the pipeline's to finish, and its readiness clears it.
   */
  async woke(
    environmentId: string,
    leaseToken: string,
    sleptAt: Date,
    detail: string,
  ): Promise<WakeOutcome> {
    const { store, leases } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return { status: 'gone' };
      if (!(await leases.holds(tx, env.id, leaseToken))) {
        return { status: 'skipped', reason: 'the lease on the environment was lost' };
      }
      if (env.sleptAt?.getTime() !== sleptAt.getTime()) {
        return { status: 'skipped', reason: 'already awake' };
      }
      const verdict = decideWake({ state: env.state, sleptAt: sleptAt.getTime(), closed: false });
      if (verdict.action !== 'wake' || env.closedAt !== null) {
        return { status: 'skipped', reason: `the preview is ${env.state}` };
      }
      await store.write(tx, env.id, {
        state: env.state,
        generation: env.generation,
        sleptAt: null,
        wokeAt: this.now(),
      });
      await this.emit(tx, env.id, env.generation, 'awake', { detail }, ['comment', 'slack']);
      return { status: 'woken', generation: env.generation };
    });
  }

  /**
   * A sleep mark with nothing behind it to wake (the redeploy it waited for failed, or it was
   * held): cleared, so gateways stop answering "waking up" and show what is there.
   */
  async unmarkSleep(environmentId: string): Promise<boolean> {
    const { store } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, environmentId);
      if (!env) return false;
      const verdict = decideWake({
        state: env.state,
        sleptAt: env.sleptAt?.getTime() ?? null,
        closed: env.closedAt !== null,
      });
      if (verdict.action !== 'unmark') return false;
      await store.write(tx, env.id, {
        state: env.state,
        generation: env.generation,
        sleptAt: null,
      });
      return true;
    });
  }

  /**
   * Re-queue the stage an environment is waiting on (convergence after a lost job). Writes only
   * the outbox: the stage's own run decides everything else.
   */
  async requeue(
    environmentId: string,
    generation: number,
    stage: LifecycleStage,
  ): Promise<boolean> {
    return this.deps.store.transaction(async (tx) => {
      const env = await this.deps.store.lock(tx, environmentId);
      if (!env || env.generation !== generation) return false;
      await this.deps.outbox.add(tx, [stageOutboxEntry({ environmentId, generation, stage })]);
      return true;
    });
  }

  private async stageCommand(
    job: StageJobData,
    leaseToken: string | undefined,
    event: EnvironmentEvent,
    after: (env: EnvironmentRow, tx: Tx, state: string) => Promise<void>,
    /** The stage is over: hand the lease back in the same transaction. */
    finishes = event.type !== 'stage_started',
  ): Promise<StageWrite> {
    const { store, leases } = this.deps;
    return store.transaction(async (tx) => {
      const env = await store.lock(tx, job.environmentId);
      if (!env) return { ok: false, reason: 'the environment no longer exists' };
      if (leaseToken && !(await leases.holds(tx, env.id, leaseToken))) {
        return { ok: false, reason: 'the stage lease was lost (it ran past its lease)' };
      }
      const stale = staleReason(job, env);
      if (stale) return { ok: false, reason: stale };
      const result = transition(env.state, event);
      if (!result.ok) return { ok: false, reason: result.error.message };
      if (result.changed) {
        await store.write(tx, env.id, { state: result.state, generation: env.generation });
      }
      await after(env, tx, result.state);
      if (finishes && leaseToken) await leases.releaseIn(tx, env.id, leaseToken);
      return { ok: true, state: result.state };
    });
  }

  private async emitJobs(tx: Tx, environmentId: string, generation: number, jobs: TriggerJob[]) {
    const entries: OutboxEntry[] = [];
    for (const job of jobs) {
      if (job.kind === 'stage') {
        entries.push(stageOutboxEntry({ environmentId, generation, stage: job.stage }));
      } else {
        await this.emit(tx, environmentId, generation, job.reason);
      }
    }
    await this.deps.outbox.add(tx, entries);
  }

  /**
   * Appends to the event stream and queues its delivery to every sink that is on (or to `only`
   * of them), in the caller's tx.
   */
  private async emit(
    tx: Tx,
    environmentId: string,
    generation: number,
    kind: LifecycleEventKind,
    extra: { stage?: string; detail?: string } = {},
    only?: readonly SinkName[],
  ): Promise<void> {
    await this.append(tx, environmentId, generation, kind, extra, only);
  }

  /** `emit`, returning the event's id (the ready event names the E2E job). */
  private async append(
    tx: Tx,
    environmentId: string,
    generation: number,
    kind: LifecycleEventKind,
    extra: { stage?: string; detail?: string } = {},
    only?: readonly SinkName[],
  ): Promise<string> {
    const id = await this.deps.store.recordEvent(tx, { environmentId, generation, kind, ...extra });
    // The change feed (decision 0030) shows every event, whichever sinks it is meant for.
    const sinks = (this.deps.sinks ?? SINKS).filter(
      (sink) => !only || only.includes(sink) || sink === 'feed',
    );
    await this.deps.outbox.add(
      tx,
      sinks.map((sink) => sinkOutboxEntry({ eventId: id.toString(), environmentId, sink })),
    );
    return id.toString();
  }
}

/** A PR chat-op for `chatOp`: what was asked, by whom, and what the caller already refused. */
export type ChatOpRequest = {
  repositoryProviderId: number;
  prNumber: number;
  author: string;
  /** The author's GitHub user id, when the payload carries it (GitHub's always does). */
  authorId?: number;
  /** The command line as written (shown back in the sticky comment). */
  text: string;
  /** The operator's TTL policy and the repository's default, for `extend`. */
  ttl: TtlContext;
} & (
  | { command: ChatCommand; refusal?: undefined }
  /** Not acted on: no write access (403), or a command that could not be read (400). */
  | { command?: undefined; refusal: string; refusalStatus: 400 | 403 }
);

export type ChatOpOutcome =
  | { status: 'answered'; accepted: boolean; result: string; environmentId?: string }
  | { status: 'already-settled' };

/** What the check-run Re-run's decision reads of an environment (both Re-run and redeploy). */
function rerunFacts(env: EnvironmentRow, config: ReturnType<typeof storedConfig>) {
  return {
    state: env.state,
    generation: env.generation,
    headSha: env.headSha,
    config,
    approvedSha: env.approvedSha,
    closed: env.closedAt !== null,
    prUpdatedAt: env.prUpdatedAt?.getTime() ?? null,
    expired: env.expiredAt !== null,
  };
}

/**
 * A chat-op as an audit entry, shaped like the REST action it stands for: method `COMMENT`,
 * the command as the route, and the status the REST route answers for the same outcome
 * (200 acted, 403 no write access, 400 not a command, 409 refused by the preview's state).
 */
function chatOpAuditEntry(
  environmentId: string,
  request: ChatOpRequest,
  answer: { accepted: boolean; result: string },
): AuditWrite {
  const status = answer.accepted ? 200 : request.command ? 409 : request.refusalStatus;
  return {
    // The same principal id as the person signed in to the console (`github:<user id>`), so one
    // filter finds both; the login only when a payload lacks the id.
    actorId: `github:${request.authorId ?? request.author.toLowerCase()}`,
    actorName: `${request.author} (PR comment)`,
    method: 'COMMENT',
    route: request.command ? `/berth ${request.command.name}` : '/berth',
    target: environmentId,
    status,
    outcome: answer.accepted ? 'succeeded' : 'refused',
    detail: answer.result.slice(0, 500),
  };
}

function operatorReason(outcome: OperatorActionOutcome): string {
  return outcome.status === 'refused' ? outcome.reason : 'the preview is gone';
}

/** Why a stage job of this generation must not write, or undefined when it is current. */
export function staleReason(job: StageJobData, env: EnvironmentRow): string | undefined {
  if (job.generation > env.generation) {
    return `job generation ${job.generation} is newer than the environment's ${env.generation}`;
  }
  if (job.stage === 'teardown') {
    return env.generation > job.generation && env.state !== 'destroying'
      ? `the pull request was reopened or updated (generation ${env.generation})`
      : undefined;
  }
  if (job.generation < env.generation) {
    return `generation ${env.generation} superseded generation ${job.generation}`;
  }
  if (['held', 'skipped', 'destroying', 'destroyed', 'pending'].includes(env.state)) {
    return `the environment is ${env.state}`;
  }
  return undefined;
}
