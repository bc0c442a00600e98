// Stage 1, off the request path: the worker drains the webhook inbox. Deliveries of one pull
// request run one at a time in arrival order; different pull requests run in parallel; a failure
// (GitHub unreachable while confirming) postpones the delivery and everything after it for that
// pull request, with growing backoff. Safe with several workers: each delivery is claimed inside
// the transaction that applies it.

import {
  type CheckRunWebhook,
  type DecisionFacts,
  type IssueCommentWebhook,
  notOurChatCommand,
  parseChatCommand,
  parseIssueCommentEvent,
  type TtlPolicy,
  isBaseEnvironment,
  notOurRerun,
  orderEvent,
  parseCheckRunEvent,
  parsePullRequestEvent,
  parsePushEvent,
  PayloadError,
  type PullRequestEvent,
  type PullRequestNow,
  rerunRefusedNote,
} from '@berth/core';
import type { GitHubPort } from '@berth/providers';
import type { EnvironmentStore, InboxDelivery, Tx, WebhookInbox } from '@berth/db';
import type { Logger } from 'pino';
import type { EnvironmentCommands } from '../commands/environment-commands.js';
import { Pump } from '../shared/pump.js';
import { ApprovalPermissions, type PullRequestFactsSource } from './github-facts.js';
import type { RepositoryGate } from './repository-admission.js';

export interface InboxProcessorDeps {
  inbox: WebhookInbox;
  store: EnvironmentStore;
  commands: EnvironmentCommands;
  github: PullRequestFactsSource;
  /** The allowlist: deliveries of repositories outside it are recorded and ignored. */
  admission: RepositoryGate;
  logger: Logger;
  /** Pull requests processed at once by this worker. */
  concurrency?: number;
  /** Poll interval when no notification arrives (notifications wake it at once). */
  pollMs?: number;
  /** After this many failed attempts, act on the payload's own facts. */
  maxAttempts?: number;
  /** Where a refused "Re-run" says why, on its check run (best effort). */
  checks?: Pick<GitHubPort, 'updateCheckRun'>;
  /** PR chat-ops (decision 0026): the TTL policy for `/berth extend`, and the reaction. */
  chatOps?: ChatOpsDeps;
}

export interface ChatOpsDeps {
  /** The operator's TTL policy (TTL_DEFAULT_HOURS, TTL_MAX_HOURS): its maximum is the ceiling. */
  ttlPolicy: TtlPolicy;
  /** The repository's own default TTL (`berth repo set --ttl`), in hours; null: Berth's. */
  repositoryDefaultTtlHours(fullName: string): Promise<number | null>;
  /** Acknowledges the comment (best effort: the sticky comment carries the answer). */
  reactions: Pick<GitHubPort, 'addCommentReaction'>;
}

const APPROVAL_LABEL = 'preview:approved';

export class InboxProcessor {
  private readonly permissions: ApprovalPermissions;
  private stopped = false;
  private readonly pump: Pump;

  constructor(private readonly deps: InboxProcessorDeps) {
    this.permissions = new ApprovalPermissions(deps.github);
    this.pump = new Pump('inbox', () => this.drain(), deps.logger, deps.pollMs ?? 1_000);
  }

  start(): void {
    this.pump.start();
  }

  /** Something new may be waiting (a Postgres notification): look now. */
  poke(): void {
    this.pump.poke();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.pump.stop();
  }

  /** Processes until the inbox holds nothing due; returns how many deliveries it settled. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const keys = await this.deps.inbox.dueKeys(256);
      if (keys.length === 0) return total;
      const counts = await mapLimit(keys, this.deps.concurrency ?? 8, (key) =>
        this.processKey(key),
      );
      const settled = counts.reduce((a, b) => a + b, 0);
      total += settled;
      if (settled === 0) return total;
    }
  }

  /** Every due delivery of one key, oldest first; stops at one that must wait. */
  private async processKey(key: string): Promise<number> {
    let settled = 0;
    for (;;) {
      if (this.stopped) return settled;
      const next = await this.deps.inbox.oldest(key);
      if (next === undefined || next === 'postponed') return settled;
      const done = await this.processDelivery(next);
      if (!done) return settled;
      settled += 1;
    }
  }

  /** True when the delivery is settled (by us or another worker). */
  private async processDelivery(delivery: InboxDelivery): Promise<boolean> {
    const { inbox, logger } = this.deps;
    const log = logger.child({ deliveryId: delivery.deliveryId, key: delivery.orderingKey });
    if (delivery.event === 'check_run') return this.processRerun(delivery, log);
    if (delivery.event === 'issue_comment') return this.processChatOp(delivery, log);
    let event: PullRequestEvent;
    try {
      const payload: unknown = JSON.parse(delivery.payload);
      if (delivery.event === 'push') {
        // A push to the default branch moves the base environment (issue 10); others are noise.
        const push = parsePushEvent(payload, delivery.receivedAt.getTime());
        if (push.kind === 'ignored') {
          await this.settleAlone(delivery.deliveryId, 'ignored', push.reason);
          return true;
        }
        event = push.event;
      } else {
        event = parsePullRequestEvent(payload);
      }
    } catch (error) {
      const detail =
        error instanceof PayloadError
          ? error.message
          : `unreadable payload: ${(error as Error).message}`;
      await this.settleAlone(delivery.deliveryId, 'rejected', detail);
      return true;
    }
    const lastChance = delivery.attempts + 1 >= (this.deps.maxAttempts ?? 10);
    try {
      // Outside the allowlist nothing is built. A close still goes through: it builds nothing and
      // tears down a preview made before the operator removed the repository.
      if (event.action !== 'closed') {
        const admission = await this.deps.admission.admit(event.repository.fullName);
        if (!admission.admitted && isBaseEnvironment(event)) {
          // A disabled repository keeps no base environment: its next push closes it (and with
          // it the base states), the way a close tears down a PR made before the operator said no.
          log.info({ reason: admission.reason }, 'repository not admitted: closing its base');
          event = { ...event, action: 'closed', merged: false };
        } else if (!admission.admitted) {
          log.info({ reason: admission.reason }, 'delivery ignored: repository not admitted');
          await this.settleAlone(delivery.deliveryId, 'ignored', admission.reason);
          return true;
        }
      }
      let facts = await this.facts(event, undefined, lastChance);
      for (let round = 0; round < 3; round += 1) {
        const outcome = await this.deps.commands.pullRequest(delivery, event, facts);
        if (outcome.status !== 'needs-confirmation') {
          log.debug({ outcome }, 'delivery processed');
          return true;
        }
        facts = await this.facts(event, await this.confirm(event, lastChance), lastChance);
      }
      throw new Error('the pull request kept changing while its state was confirmed');
    } catch (error) {
      const message = (error as Error).message;
      const delayMs = Math.min(2_000 * 2 ** delivery.attempts, 10 * 60_000);
      log.warn({ err: error, attempts: delivery.attempts + 1, delayMs }, 'delivery postponed');
      await inbox.postpone(
        delivery.deliveryId,
        `attempt ${delivery.attempts + 1}: ${message}`,
        delayMs,
      );
      return false;
    }
  }

  /**
   * A "Re-run" of Berth's check run (`check_run` `rerequested`): through the same command path
   * as every delivery, in the PR's order. A re-run that is not acted on (an older head, a closed
   * or held PR) says why on the check run it came from.
   */
  private async processRerun(delivery: InboxDelivery, log: Logger): Promise<boolean> {
    let event: CheckRunWebhook;
    try {
      event = parseCheckRunEvent(JSON.parse(delivery.payload));
    } catch (error) {
      const detail =
        error instanceof PayloadError
          ? error.message
          : `unreadable payload: ${(error as Error).message}`;
      await this.settleAlone(delivery.deliveryId, 'rejected', detail);
      return true;
    }
    const notOurs = notOurRerun(event);
    if (notOurs) {
      await this.settleAlone(delivery.deliveryId, 'ignored', notOurs);
      return true;
    }
    try {
      const admission = await this.deps.admission.admit(event.repository.fullName);
      if (!admission.admitted) {
        await this.settleAlone(delivery.deliveryId, 'ignored', admission.reason);
        return true;
      }
      const outcome = await this.deps.commands.rerun(delivery, event);
      log.debug({ outcome }, 're-run processed');
      if (outcome.status === 'ignored') await this.noteRefusedRerun(event, outcome.detail, log);
      return true;
    } catch (error) {
      const delayMs = Math.min(2_000 * 2 ** delivery.attempts, 10 * 60_000);
      log.warn({ err: error, attempts: delivery.attempts + 1, delayMs }, 'delivery postponed');
      await this.deps.inbox.postpone(
        delivery.deliveryId,
        `attempt ${delivery.attempts + 1}: ${(error as Error).message}`,
        delayMs,
      );
      return false;
    }
  }

  /**
   * A `/berth …` PR comment (decision 0026), in the PR's order, through the command path. Who may
   * command is asked of GitHub with the same check (and cache) as a fork's `preview:approved`:
   * write access or more. The delivery is claimed with the action, so a replay acts once; the
   * reaction follows the commit (`eyes` accepted, `confused` refused), best effort.
   */
  private async processChatOp(delivery: InboxDelivery, log: Logger): Promise<boolean> {
    let event: IssueCommentWebhook;
    try {
      event = parseIssueCommentEvent(JSON.parse(delivery.payload));
    } catch (error) {
      const detail =
        error instanceof PayloadError
          ? error.message
          : `unreadable payload: ${(error as Error).message}`;
      await this.settleAlone(delivery.deliveryId, 'rejected', detail);
      return true;
    }
    const notOurs = notOurChatCommand(event);
    const chatOps = this.deps.chatOps;
    if (notOurs || !chatOps) {
      await this.settleAlone(delivery.deliveryId, 'ignored', notOurs ?? 'chat-ops are off');
      return true;
    }
    try {
      const admission = await this.deps.admission.admit(event.repository.fullName);
      if (!admission.admitted) {
        await this.settleAlone(delivery.deliveryId, 'ignored', admission.reason);
        return true;
      }
      const parsed = parseChatCommand(event.body);
      if (parsed.kind === 'none') throw new Error('unreachable: notOurChatCommand read it');
      const repo = {
        installationId: event.repository.installationId,
        owner: event.repository.owner,
        repo: event.repository.name,
      };
      // Asked first, even for a command that cannot be read: a non-writer learns only that.
      const canWrite = await this.permissions.canApprove(repo, event.author);
      const ttl = {
        policy: chatOps.ttlPolicy,
        repositoryDefaultTtlHours: await chatOps.repositoryDefaultTtlHours(
          event.repository.fullName,
        ),
      };
      const base = {
        repositoryProviderId: event.repository.providerId,
        prNumber: event.prNumber,
        author: event.author,
        ...(event.authorId === undefined ? {} : { authorId: event.authorId }),
        text: parsed.text,
        ttl,
      };
      const outcome = await this.deps.commands.chatOp(
        delivery,
        !canWrite
          ? {
              ...base,
              refusal: `${event.author} does not have write access to ${event.repository.fullName}`,
              refusalStatus: 403,
            }
          : parsed.kind === 'invalid'
            ? { ...base, refusal: parsed.reason, refusalStatus: 400 }
            : { ...base, command: parsed.command },
      );
      log.debug({ outcome }, 'chat-op processed');
      if (outcome.status === 'answered') {
        await chatOps.reactions
          .addCommentReaction(repo, event.commentId, outcome.accepted ? 'eyes' : 'confused')
          .catch((error: unknown) => log.warn({ err: error }, 'could not react to the comment'));
      }
      return true;
    } catch (error) {
      const delayMs = Math.min(2_000 * 2 ** delivery.attempts, 10 * 60_000);
      log.warn({ err: error, attempts: delivery.attempts + 1, delayMs }, 'delivery postponed');
      await this.deps.inbox.postpone(
        delivery.deliveryId,
        `attempt ${delivery.attempts + 1}: ${(error as Error).message}`,
        delayMs,
      );
      return false;
    }
  }

  /** The check run keeps its status and conclusion; its output says the Re-run was ignored. */
  private async noteRefusedRerun(event: CheckRunWebhook, reason: string, log: Logger) {
    if (!this.deps.checks) return;
    const note = rerunRefusedNote(reason);
    await this.deps.checks
      .updateCheckRun(
        {
          installationId: event.repository.installationId,
          owner: event.repository.owner,
          repo: event.repository.name,
        },
        event.checkRunId,
        { output: note },
      )
      .catch((error: unknown) =>
        log.warn({ err: error }, 'could not say on the check run why its re-run was ignored'),
      );
  }

  /**
   * What GitHub must tell before deciding: the PR's current state when the payload alone cannot
   * order the event, and whether the sender of an approval label has write access.
   */
  private async facts(
    event: PullRequestEvent,
    now: PullRequestNow | undefined,
    lastChance: boolean,
  ): Promise<DecisionFacts & { now?: PullRequestNow }> {
    const facts: DecisionFacts & { now?: PullRequestNow } = now ? { now } : {};
    if (!now) {
      const env = await this.deps.store.findByPullRequest(
        event.repository.providerId,
        event.prNumber,
      );
      if (env) {
        const verdict = orderEvent(event, {
          generation: env.generation,
          headSha: env.headSha,
          closed: env.closedAt !== null,
          prUpdatedAt: env.prUpdatedAt?.getTime() ?? null,
        });
        if (verdict.verdict === 'confirm') facts.now = await this.confirm(event, lastChance);
      }
    }
    if (
      event.isFork &&
      event.action === 'labeled' &&
      event.label?.trim().toLowerCase() === APPROVAL_LABEL
    ) {
      facts.senderCanApprove = await this.permissions
        .canApprove(repoRef(event), event.sender)
        .catch((error: unknown) => {
          // Approving is the one thing never done on a guess.
          if (lastChance) return false;
          throw error;
        });
    }
    return facts;
  }

  private async confirm(event: PullRequestEvent, lastChance: boolean): Promise<PullRequestNow> {
    // The base environment has no pull request to ask about: a push's own payload is the fact
    // (two pushes to one branch in one second, neither the other's successor, is the gap).
    if (isBaseEnvironment(event)) return { state: 'open', headSha: event.headSha };
    try {
      return await this.deps.github.pullRequest(repoRef(event), event.prNumber);
    } catch (error) {
      if (!lastChance) throw error;
      // GitHub has been unreachable for every attempt: act on what the signed payload says.
      this.deps.logger.warn({ err: error }, 'GitHub unreachable; acting on the payload');
      return {
        state: event.action === 'closed' ? 'closed' : 'open',
        headSha: event.headSha,
      };
    }
  }

  private async settleAlone(deliveryId: string, outcome: 'rejected' | 'ignored', detail: string) {
    await this.deps.store.transaction((tx: Tx) =>
      this.deps.inbox.settle(tx, deliveryId, outcome, detail),
    );
  }
}

function repoRef(event: PullRequestEvent) {
  return {
    installationId: event.repository.installationId,
    owner: event.repository.owner,
    repo: event.repository.name,
  };
}

/** Runs `fn` over `items` with at most `limit` at once, keeping result order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
