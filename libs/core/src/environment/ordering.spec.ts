import { describe, expect, it } from 'vitest';
import type { PullRequestEvent } from '../events/pull-request-event.js';
import { orderEvent, type OrderingSnapshot } from './ordering.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = Date.parse('2026-12-02T10:00:00Z');

function event(overrides: Partial<PullRequestEvent> = {}): PullRequestEvent {
  return {
    action: 'synchronize',
    prNumber: 1,
    headSha: B,
    branch: 'feat',
    baseBranch: 'main',
    isFork: false,
    labels: [],
    merged: false,
    updatedAt: T,
    sender: 'octocat',
    repository: {
      providerId: 1,
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      cloneUrl: 'http://127.0.0.1/acme/shop.git',
      defaultBranch: 'main',
      installationId: 1,
    },
    ...overrides,
  };
}

const open: OrderingSnapshot = { generation: 2, headSha: A, closed: false, prUpdatedAt: T };

describe('orderEvent', () => {
  it('applies anything to a new environment or one with no ordering fact yet', () => {
    expect(orderEvent(event({ updatedAt: 0 }), { ...open, generation: 0 })).toEqual({
      verdict: 'apply',
    });
    expect(orderEvent(event({ updatedAt: 0 }), { ...open, prUpdatedAt: null })).toEqual({
      verdict: 'apply',
    });
  });

  it('applies a newer event', () => {
    expect(orderEvent(event({ updatedAt: T + 1_000 }), open).verdict).toBe('apply');
    expect(orderEvent(event({ action: 'closed', updatedAt: T + 1_000 }), open).verdict).toBe(
      'apply',
    );
  });

  it('drops a late synchronize for an older head: never rewinds', () => {
    const verdict = orderEvent(event({ headSha: C, updatedAt: T - 1_000 }), open);
    expect(verdict).toMatchObject({ verdict: 'stale', reason: expect.stringMatching(/older/) });
  });

  it('drops a replayed close of an earlier incarnation after a reopen', () => {
    const reopened = { ...open, closed: false, prUpdatedAt: T + 60_000 };
    expect(orderEvent(event({ action: 'closed' }), reopened).verdict).toBe('stale');
  });

  it('applies a push that directly follows our head in the same second', () => {
    expect(orderEvent(event({ before: A }), open).verdict).toBe('apply');
  });

  it('asks GitHub about a same-second head move that is not a direct successor', () => {
    expect(orderEvent(event({ before: C }), open).verdict).toBe('confirm');
    expect(orderEvent(event(), open).verdict).toBe('confirm');
    expect(orderEvent(event(), open, { state: 'open', headSha: B }).verdict).toBe('apply');
    expect(orderEvent(event(), open, { state: 'open', headSha: C })).toMatchObject({
      verdict: 'stale',
      reason: expect.stringMatching(/GitHub says the head is ccccccc/),
    });
  });

  it('asks GitHub about a same-second close and acts only if GitHub says closed', () => {
    const close = event({ action: 'closed', headSha: A });
    expect(orderEvent(close, open).verdict).toBe('confirm');
    expect(orderEvent(close, open, { state: 'closed', headSha: A }).verdict).toBe('apply');
    expect(orderEvent(close, open, { state: 'open', headSha: A }).verdict).toBe('stale');
  });

  it('asks GitHub about a same-second reopen of a closed PR', () => {
    const closed = { ...open, closed: true };
    const reopen = event({ action: 'reopened', headSha: A });
    expect(orderEvent(reopen, closed).verdict).toBe('confirm');
    expect(orderEvent(reopen, closed, { state: 'open', headSha: A }).verdict).toBe('apply');
    expect(orderEvent(reopen, closed, { state: 'closed', headSha: A }).verdict).toBe('stale');
  });

  it('applies same-second bookkeeping (labels, edits) in arrival order without asking', () => {
    expect(orderEvent(event({ action: 'labeled', headSha: A, label: 'x' }), open).verdict).toBe(
      'apply',
    );
    expect(orderEvent(event({ action: 'edited', headSha: A }), open).verdict).toBe('apply');
  });
});
