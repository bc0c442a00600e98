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
      repository: { providerId: 10, fullName: 'acme/shop', installationId: 4242 },
    });
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
