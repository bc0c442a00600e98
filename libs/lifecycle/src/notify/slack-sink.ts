// Slack as a sink on the lifecycle event stream (decision 0028): one message per pull request,
// posted when its preview starts and edited in place (chat.update on the stored channel + ts)
// as the lifecycle moves; details (a stage's log tail, a redeploy, expiry, sleep) as replies in
// its thread. Each (event, slack) pair is its own job on the sink queue, outside every stage and
// lease: a slow or rate-limited Slack delays only these jobs.

import {
  isBaseEnvironment,
  renderSlackMessage,
  slackFailureReply,
  slackNoticeReply,
  slackRedeployReply,
} from '@berth/core';
import {
  EnvironmentQueries,
  type LifecycleEvent,
  LifecycleEventStore,
  type PrismaClient,
  RepositorySettingsStore,
  type Revision,
  RevisionStore,
  type SlackMessageRow,
  SlackMessageStore,
} from '@berth/db';
import { ChatApiError, type ChatMessage, type ChatPort } from '@berth/providers';
import type { ShortLock } from '@berth/queue';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import { SLACK_KINDS, slackMessageInput, startsMessage } from './slack-facts.js';

export interface SlackSinkDeps {
  prisma: PrismaClient;
  chat: Pick<ChatPort, 'post' | 'update'>;
  /** Serialises one environment's Slack writes (two racing first posts would be two messages). */
  lock: ShortLock;
  /** SLACK_CHANNEL: for repositories without a channel of their own; unset = only those. */
  defaultChannel?: string;
  /** Least time between two edits of one message (SLACK_EDIT_INTERVAL_S), in ms. */
  editIntervalMs: number;
  /** CONSOLE_URL: the message links `{CONSOLE_URL}/environments/{id}`. */
  consoleUrl?: string;
  /** Every secret value of the environment: the comment's masking (decision 0010). */
  secrets: (environment: EnvironmentWithRepository) => Promise<string[]>;
  /** What the preview cost (cost telemetry, decision 0025), shown once destroyed. */
  cost?: (environmentId: string) => Promise<{ total: number; measured: boolean }>;
  /** A refusal retrying cannot fix (a channel that does not exist, a revoked token). */
  onRefused?: (error: ChatApiError, environment: EnvironmentWithRepository) => void;
}

/** `later`: edited less than the interval ago; run the job again then (no attempt spent). */
export type SlackDelivery = 'delivered' | 'superseded' | 'gone' | 'busy' | { laterMs: number };

/** Slack errors that mean the stored message is no more: post a new one. */
const MESSAGE_GONE = new Set([
  'message_not_found',
  'channel_not_found',
  'is_inactive',
  'is_archived',
]);

export class SlackSink {
  private readonly events: LifecycleEventStore;
  private readonly environments: EnvironmentQueries;
  private readonly revisions: RevisionStore;
  private readonly settings: RepositorySettingsStore;
  private readonly messages: SlackMessageStore;

  constructor(private readonly deps: SlackSinkDeps) {
    this.events = new LifecycleEventStore(deps.prisma);
    this.environments = new EnvironmentQueries(deps.prisma);
    this.revisions = new RevisionStore(deps.prisma);
    this.settings = new RepositorySettingsStore(deps.prisma);
    this.messages = new SlackMessageStore(deps.prisma);
  }

  async deliver(event: LifecycleEvent): Promise<SlackDelivery> {
    if (!SLACK_KINDS.has(event.kind)) return 'gone';
    const environment = await this.environments.find(event.environmentId);
    // The base environment has no pull request: nobody to tell.
    if (!environment || isBaseEnvironment(environment)) return 'gone';
    const key = `slack:${environment.id}`;
    const token = await this.deps.lock.acquire(key, 60_000);
    if (!token) return 'busy';
    try {
      return await this.deliverLocked(environment, event);
    } catch (error) {
      if (error instanceof ChatApiError && error.permanent) {
        this.deps.onRefused?.(error, environment);
        return 'gone';
      }
      throw error;
    } finally {
      await this.deps.lock.release(key, token);
    }
  }

  /** Observe (the stored message, newer events) → compare → act (post, reply, edit) → record. */
  private async deliverLocked(
    environment: EnvironmentWithRepository,
    event: LifecycleEvent,
  ): Promise<SlackDelivery> {
    let message = await this.messages.find(environment.id);
    // A newer event will render the newer truth: this one must not rewind the message.
    const superseded =
      (message !== null && message.eventId >= event.id) ||
      (await this.events.hasNewer(event, false));
    const reply = await this.replyFor(environment, event, message);
    let posted = false;
    if (!message) {
      if (!startsMessage(event) || (superseded && !reply)) return 'superseded';
      const channel = await this.channelFor(environment);
      if (!channel) return 'gone';
      message = await this.post(channel, environment, event);
      posted = true;
    }
    if (reply) {
      await this.replyOnce(message, event, reply.text);
      // The thread has told this generation's start: its other events must not tell it again.
      if (reply.redeploy) await this.messages.announced(environment.id, event.generation);
    }
    if (superseded || message.eventId >= event.id) {
      return posted || reply ? 'delivered' : 'superseded';
    }

    // One edit per interval per message: this job waits (no attempt spent) and, when it runs
    // again, a newer event has superseded it or it is the newest and lands.
    const interval = this.deps.editIntervalMs;
    if (interval > 0 && !(await this.deps.lock.acquire(`slack-edit:${environment.id}`, interval))) {
      return { laterMs: interval };
    }
    const rendered = await this.render(environment, event);
    try {
      await this.deps.chat.update(message, rendered);
    } catch (error) {
      if (!(error instanceof ChatApiError) || !MESSAGE_GONE.has(error.code)) throw error;
      // Deleted in Slack (or its channel archived): a new message in the channel configured now.
      const channel = await this.channelFor(environment);
      if (!channel) return 'gone';
      await this.post(channel, environment, event);
      return 'delivered';
    }
    await this.messages.shown(environment.id, event.id);
    return 'delivered';
  }

  /** The operator's channel for the repository, else SLACK_CHANNEL; never the PR's files. */
  private async channelFor(environment: EnvironmentWithRepository): Promise<string | undefined> {
    const settings = await this.settings.forRepository(environment.repository.fullName);
    return settings.slackChannel ?? this.deps.defaultChannel;
  }

  private async post(
    channel: string,
    environment: EnvironmentWithRepository,
    event: LifecycleEvent,
  ): Promise<SlackMessageRow> {
    // The first write counts as an edit too: the next one waits the interval.
    const interval = this.deps.editIntervalMs;
    if (interval > 0) await this.deps.lock.acquire(`slack-edit:${environment.id}`, interval);
    const posted = await this.deps.chat.post(channel, await this.render(environment, event));
    const row: SlackMessageRow = {
      environmentId: environment.id,
      channel: posted.channel,
      ts: posted.ts,
      generation: event.generation,
      eventId: event.id,
    };
    await this.messages.posted(row);
    return row;
  }

  private async render(
    environment: EnvironmentWithRepository,
    event: LifecycleEvent,
  ): Promise<ChatMessage> {
    const revision = await this.revisions.find(environment.id, event.generation);
    const cost =
      event.kind === 'destroyed' && this.deps.cost
        ? await this.deps.cost(environment.id)
        : undefined;
    return renderSlackMessage(
      slackMessageInput(environment, revision, event, {
        secrets: await this.deps.secrets(environment),
        ...(this.deps.consoleUrl ? { consoleUrl: this.deps.consoleUrl } : {}),
        ...(cost ? { cost } : {}),
      }),
    );
  }

  /**
   * The thread reply this event deserves, if any: a failure's log tail; a new generation (a
   * push, a rebuild, a re-run, a reopen) once a message exists; expiry, sleep and wake.
   */
  private async replyFor(
    environment: EnvironmentWithRepository,
    event: LifecycleEvent,
    message: SlackMessageRow | null,
  ): Promise<{ text: string; redeploy?: true } | undefined> {
    switch (event.kind) {
      case 'failed': {
        const text = slackFailureReply({
          stage: event.stage ?? 'build',
          error: event.detail ?? 'failed',
          generation: event.generation,
          headSha:
            (await this.revision(environment, event.generation))?.headSha ?? environment.headSha,
          secrets: await this.deps.secrets(environment),
        });
        return { text };
      }
      case 'requested':
      case 'started': {
        const starts = event.kind === 'requested' || event.stage === 'build';
        if (!message || !starts || event.generation <= message.generation) return undefined;
        const revision = await this.revision(environment, event.generation);
        const previous = await this.revision(environment, message.generation);
        const text = slackRedeployReply({
          generation: event.generation,
          headSha: revision?.headSha ?? environment.headSha,
          ...(previous ? { previousSha: previous.headSha } : {}),
        });
        return { text, redeploy: true };
      }
      case 'expired':
      case 'asleep':
      case 'awake':
      case 'extended':
        if (!message) return undefined;
        return {
          text: slackNoticeReply(
            event.kind,
            event.detail ?? undefined,
            await this.deps.secrets(environment),
          ),
        };
      default:
        return undefined;
    }
  }

  private revision(
    environment: EnvironmentWithRepository,
    generation: number,
  ): Promise<Revision | null> {
    return this.revisions.find(environment.id, generation);
  }

  /** Posts the reply unless the thread has it already (a retried job), then records it. */
  private async replyOnce(message: SlackMessageRow, event: LifecycleEvent, text: string) {
    if (await this.messages.replied(message.environmentId, event.id)) return;
    const reply = await this.deps.chat.post(message.channel, { text }, message.ts);
    await this.messages.recordReply(message.environmentId, event.id, reply.ts);
  }
}
