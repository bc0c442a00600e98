// What the Slack message shows, from the rows as they are now and the event being delivered
// (decision 0028). The renderer is core's `renderSlackMessage`; this only gathers its input.

import { readWiring, type SlackMessageInput, type SlackPreviewState } from '@berth/core';
import type { EnvironmentState, LifecycleEvent, Revision } from '@berth/db';
import { expiryFacts } from '../expose/comment-facts.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';

/** The event kinds the Slack sink renders; anything else (a later Berth's kinds) is skipped. */
export const SLACK_KINDS: ReadonlySet<string> = new Set([
  'requested',
  'started',
  'queued',
  'ready',
  'failed',
  'held',
  'skipped',
  'destroyed',
  'expiring',
  'expired',
  'extended',
  'asleep',
  'awake',
]);

/**
 * Whether this event may post the first message: not the end of a preview nobody was told
 * about (destroyed, expired, a teardown starting, a skipped PR).
 */
export function startsMessage(event: Pick<LifecycleEvent, 'kind' | 'stage'>): boolean {
  if (['destroyed', 'skipped', 'expired'].includes(event.kind)) return false;
  return !(event.kind === 'started' && event.stage === 'teardown');
}

/** The row's state, as the message names it (TTL and sleep events re-render the row). */
function fromState(state: EnvironmentState): SlackPreviewState {
  switch (state) {
    case 'pending':
      return 'requested';
    default:
      return state;
  }
}

export function slackState(
  environment: EnvironmentWithRepository,
  event: LifecycleEvent,
): SlackPreviewState {
  switch (event.kind) {
    case 'requested':
      return 'requested';
    case 'started':
      return event.stage === 'teardown'
        ? 'destroying'
        : event.stage === 'build' || event.stage === null
          ? 'building'
          : 'provisioning';
    case 'queued':
      return 'waiting';
    case 'ready':
    case 'failed':
    case 'held':
    case 'skipped':
    case 'destroyed':
      return event.kind;
    case 'expired':
      return environment.state === 'destroyed' ? 'destroyed' : 'destroying';
    default:
      // expiring, extended, asleep, awake: what the row says now.
      return fromState(environment.state);
  }
}

/** The exposed services' URLs and the main one (`web`, else the first by name), as the status links. */
export function previewUrls(revision: Revision | null): {
  url?: string;
  urls: Record<string, string>;
} {
  const urls = revision ? { ...readWiring(revision.wiring).urls } : {};
  const url =
    urls['web'] ??
    Object.keys(urls)
      .sort()
      .map((name) => urls[name])[0];
  return { ...(url ? { url } : {}), urls };
}

export function slackMessageInput(
  environment: EnvironmentWithRepository,
  revision: Revision | null,
  event: LifecycleEvent,
  extra: {
    secrets: readonly string[];
    consoleUrl?: string;
    cost?: { total: number; measured: boolean };
  },
): SlackMessageInput {
  const state = slackState(environment, event);
  const expiry = expiryFacts(environment);
  const open = environment.closedAt === null;
  const expired =
    open && environment.expiredAt !== null && (state === 'destroying' || state === 'destroyed');
  const links = state === 'ready' ? previewUrls(revision) : { urls: {} };
  return {
    state,
    repo: environment.repository.fullName,
    pr: environment.prNumber,
    branch: environment.branch,
    headSha: revision?.headSha ?? environment.headSha,
    generation: event.generation,
    ...links,
    ...(event.stage && (state === 'failed' || state === 'waiting') ? { stage: event.stage } : {}),
    ...(event.detail && (event.kind === 'failed' || event.kind === 'queued')
      ? { reason: event.detail }
      : {}),
    ...(state === 'ready' && expiry?.phase === 'warning' ? { expiresAt: expiry.expiresAt } : {}),
    ...(expired ? { expired: true } : {}),
    ...(state === 'ready' && environment.sleptAt
      ? { asleepSince: environment.sleptAt.toISOString() }
      : {}),
    ...(state === 'destroyed' && extra.cost ? { cost: extra.cost } : {}),
    ...(extra.consoleUrl
      ? { consoleUrl: `${extra.consoleUrl.replace(/\/+$/, '')}/environments/${environment.id}` }
      : {}),
    secrets: extra.secrets,
  };
}
