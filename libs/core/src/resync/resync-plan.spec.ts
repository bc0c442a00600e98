import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseLabels } from '../labels/index.js';
import { orderEvent } from '../environment/ordering.js';
import { parsePullRequestEvent } from '../events/pull-request-event.js';
import {
  closedCandidates,
  planResync,
  type ResyncEnvironment,
  type ResyncPullRequest,
} from './resync-plan.js';

const REPO = 700_000_001;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function pr(number: number, over: Partial<ResyncPullRequest> = {}): ResyncPullRequest {
  return {
    number,
    state: 'open',
    merged: false,
    headSha: A,
    headRef: `feat/${number}`,
    headRepoId: REPO,
    baseRef: 'main',
    baseRepo: {
      id: REPO,
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      cloneUrl: 'https://github.com/acme/shop.git',
      defaultBranch: 'main',
    },
    labels: [],
    author: 'octocat',
    updatedAt: '2026-12-01T10:00:00Z',
    ...over,
  };
}

function env(prNumber: number, over: Partial<ResyncEnvironment> = {}): ResyncEnvironment {
  return {
    prNumber,
    state: 'ready',
    headSha: A,
    closed: false,
    config: { ...DEFAULT_CONFIG },
    ...over,
  };
}

const plan = (pulls: ResyncPullRequest[], environments: ResyncEnvironment[], waiting?: number[]) =>
  planResync({
    repositoryId: REPO,
    installationId: 4242,
    pulls,
    environments,
    ...(waiting ? { waiting: new Set(waiting) } : {}),
  });

describe('planResync', () => {
  it('changes nothing when GitHub and Berth agree', () => {
    expect(plan([pr(1), pr(2)], [env(1), env(2)])).toEqual([]);
  });

  it('opens an environment for an open PR Berth never heard of', () => {
    const [d, ...rest] = plan([pr(3)], []);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      action: 'opened',
      reason: 'missing',
      prNumber: 3,
      orderingKey: `pr:${REPO}:3`,
      deliveryId: `resync:${REPO}:3:opened:${A}:${Date.parse('2026-12-01T10:00:00Z') / 1000}`,
    });
  });

  it('starts a new generation for a head Berth missed (synchronize, without a before)', () => {
    const [d] = plan([pr(1, { headSha: B.toUpperCase() })], [env(1)]);
    expect(d).toMatchObject({ action: 'synchronize', reason: 'head' });
    expect(d?.payload).not.toHaveProperty('before');
  });

  it('closes an environment whose PR GitHub says is closed, merged or not', () => {
    const closed = plan([pr(1, { state: 'closed', merged: true })], [env(1)]);
    expect(closed).toMatchObject([{ action: 'closed', reason: 'closed' }]);
    expect((closed[0]?.payload.pull_request as { merged: boolean }).merged).toBe(true);
    // Already closed, or destroyed, or never known: nothing to do.
    expect(plan([pr(1, { state: 'closed' })], [env(1, { closed: true })])).toEqual([]);
    expect(plan([pr(1, { state: 'closed' })], [env(1, { state: 'destroyed' })])).toEqual([]);
    expect(plan([pr(1, { state: 'closed' })], [])).toEqual([]);
  });

  it('reopens an environment whose close was the last thing Berth heard', () => {
    expect(plan([pr(1)], [env(1, { closed: true, state: 'destroyed' })])).toMatchObject([
      { action: 'reopened', reason: 'reopened' },
    ]);
  });

  it('applies labels whose config differs (edited), but not TTL-only or approval labels', () => {
    expect(plan([pr(1, { labels: ['preview:skip'] })], [env(1)])).toMatchObject([
      { action: 'edited', reason: 'labels' },
    ]);
    const skipped = parseLabels(['preview:skip']).config;
    expect(plan([pr(1, { labels: ['preview:skip'] })], [env(1, { config: skipped })])).toEqual([]);
    expect(plan([pr(1, { labels: ['preview:approved'] })], [env(1)])).toEqual([]);
  });

  it('leaves an expired preview (destroyed, PR open) alone until its head moves', () => {
    expect(plan([pr(1)], [env(1, { state: 'destroyed' })])).toEqual([]);
    expect(plan([pr(1, { headSha: B })], [env(1, { state: 'destroyed' })])).toMatchObject([
      { action: 'synchronize' },
    ]);
  });

  it('skips PRs with deliveries still waiting in the inbox, and PRs of another repository', () => {
    expect(plan([pr(1, { headSha: B }), pr(2)], [env(1)], [1, 2])).toEqual([]);
    const renamed = pr(4, { baseRepo: { ...pr(4).baseRepo, id: REPO + 1 } });
    expect(plan([renamed], [])).toEqual([]);
  });

  it('is deterministic: the same difference gives the same delivery id; a later change a new one', () => {
    const first = plan([pr(1, { headSha: B })], [env(1)]);
    expect(plan([pr(1, { headSha: B })], [env(1)])).toEqual(first);
    const later = plan([pr(1, { headSha: B, updatedAt: '2026-12-01T10:00:01Z' })], [env(1)]);
    expect(later[0]?.deliveryId).not.toBe(first[0]?.deliveryId);
  });

  it('builds payloads the webhook parser accepts, with GitHub updated_at for ordering', () => {
    const fork = pr(5, { headRepoId: null, labels: ['db:fresh'], state: 'open' });
    const [d] = plan([fork], []);
    const event = parsePullRequestEvent(d?.payload);
    expect(event).toMatchObject({
      action: 'opened',
      prNumber: 5,
      headSha: A,
      branch: 'feat/5',
      baseBranch: 'main',
      isFork: true,
      labels: ['db:fresh'],
      sender: 'octocat',
      updatedAt: Date.parse('2026-12-01T10:00:00Z'),
      repository: { providerId: REPO, fullName: 'acme/shop', installationId: 4242 },
    });
  });

  it('never rewinds: a resync older than the newest applied event is stale', () => {
    const [d] = plan([pr(1, { headSha: B, updatedAt: '2026-12-01T09:59:59Z' })], [env(1)]);
    const event = parsePullRequestEvent(d?.payload);
    const verdict = orderEvent(event, {
      generation: 2,
      headSha: A,
      closed: false,
      prUpdatedAt: Date.parse('2026-12-01T10:00:00Z'),
    });
    expect(verdict.verdict).toBe('stale');
    // The same second: a head move that is not a known successor is confirmed with GitHub.
    const tie = orderEvent(
      { ...event, updatedAt: Date.parse('2026-12-01T10:00:00Z') },
      { generation: 2, headSha: A, closed: false, prUpdatedAt: Date.parse('2026-12-01T10:00:00Z') },
    );
    expect(tie.verdict).toBe('confirm');
  });
});

describe('closedCandidates', () => {
  it('lists live environments missing from the open list, never PR 0, closed or destroyed ones', () => {
    const envs = [
      env(0),
      env(1),
      env(2),
      env(3, { closed: true }),
      env(4, { state: 'destroyed' }),
      env(5, { state: 'failed' }),
    ];
    expect(closedCandidates([pr(1)], envs)).toEqual([2, 5]);
  });
});
