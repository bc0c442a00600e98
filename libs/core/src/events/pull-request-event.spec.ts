import { describe, expect, it } from 'vitest';
import { parsePullRequestEvent, PayloadError } from './pull-request-event.js';

const SHA = 'c'.repeat(40);

function payload() {
  return {
    action: 'opened',
    number: 3,
    pull_request: {
      number: 3,
      state: 'open',
      merged: false,
      updated_at: '2026-12-02T10:00:00Z',
      head: { ref: 'feat', sha: SHA, repo: { id: 10 } },
      base: { ref: 'main', repo: { id: 10 } },
      labels: [{ name: 'preview:skip' }],
    },
    repository: {
      id: 10,
      full_name: 'acme/shop',
      name: 'shop',
      owner: { login: 'acme' },
      clone_url: 'http://127.0.0.1:1/acme/shop.git',
      default_branch: 'main',
    },
    installation: { id: 4242 },
    sender: { login: 'octocat' },
  };
}

describe('parsePullRequestEvent', () => {
  it('flattens what the trigger needs', () => {
    expect(parsePullRequestEvent(payload())).toMatchObject({
      action: 'opened',
      prNumber: 3,
      headSha: SHA,
      branch: 'feat',
      isFork: false,
      labels: ['preview:skip'],
      updatedAt: Date.parse('2026-12-02T10:00:00Z'),
      sender: 'octocat',
      repository: { providerId: 10, fullName: 'acme/shop', installationId: 4242 },
    });
  });

  it('keeps the ordering facts: updated_at and the before SHA of a push', () => {
    const before = 'd'.repeat(40);
    const event = parsePullRequestEvent({
      ...payload(),
      action: 'synchronize',
      before: before.toUpperCase(),
      after: SHA,
    });
    expect(event.before).toBe(before);
    const p = payload() as { pull_request: Record<string, unknown> };
    delete p.pull_request['updated_at'];
    expect(() => parsePullRequestEvent(p)).toThrow(/pull_request\.updated_at: is required/);
    p.pull_request['updated_at'] = 'yesterday';
    expect(() => parsePullRequestEvent(p)).toThrow(/pull_request\.updated_at: must be an ISO/);
  });

  it('detects forks, including deleted ones', () => {
    const p = payload();
    p.pull_request.head.repo = { id: 11 };
    expect(parsePullRequestEvent(p).isFork).toBe(true);
    (p.pull_request.head as { repo: unknown }).repo = null;
    expect(parsePullRequestEvent(p).isFork).toBe(true);
  });

  it('names missing and bad fields', () => {
    const p = payload() as Record<string, unknown>;
    delete p['installation'];
    (p['pull_request'] as { head: { sha: string } }).head.sha = 'abc';
    expect(() => parsePullRequestEvent(p)).toThrow(PayloadError);
    expect(() => parsePullRequestEvent(p)).toThrow(/pull_request\.head\.sha: must be a full/);
    expect(() => parsePullRequestEvent(p)).toThrow(/installation: is required/);
  });

  it('requires the label for labeled events', () => {
    expect(() => parsePullRequestEvent({ ...payload(), action: 'labeled' })).toThrow(
      /label: is required for labeled/,
    );
  });
});
