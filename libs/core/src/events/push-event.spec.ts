import { describe, expect, it } from 'vitest';
import { PayloadError } from './pull-request-event.js';
import { BASE_ENVIRONMENT_PR, parsePushEvent } from './push-event.js';

const after = 'b'.repeat(40);
const before = 'a'.repeat(40);

function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ref: 'refs/heads/main',
    before,
    after,
    deleted: false,
    repository: {
      id: 42,
      full_name: 'acme/shop',
      name: 'shop',
      owner: { login: 'acme' },
      clone_url: 'https://github.example/acme/shop.git',
      default_branch: 'main',
      pushed_at: 1_796_000_000,
    },
    installation: { id: 7 },
    sender: { login: 'octocat' },
    ...overrides,
  };
}

describe('parsePushEvent', () => {
  it('turns a push to the default branch into the base environment’s new head', () => {
    const decision = parsePushEvent(payload(), 0);
    expect(decision.kind).toBe('base');
    if (decision.kind !== 'base') return;
    expect(decision.event).toMatchObject({
      action: 'synchronize',
      prNumber: BASE_ENVIRONMENT_PR,
      headSha: after,
      before,
      branch: 'main',
      baseBranch: 'main',
      isFork: false,
      labels: [],
      updatedAt: 1_796_000_000_000,
      repository: { providerId: 42, fullName: 'acme/shop', installationId: 7 },
    });
  });

  it('ignores other branches, tags and deletions, saying why', () => {
    expect(parsePushEvent(payload({ ref: 'refs/heads/feat/x' }), 0)).toEqual({
      kind: 'ignored',
      reason: 'push to feat/x: only the default branch (main) keeps a base environment',
    });
    expect(parsePushEvent(payload({ ref: 'refs/tags/v1' }), 0)).toMatchObject({
      kind: 'ignored',
      reason: 'push to refs/tags/v1: not a branch',
    });
    expect(parsePushEvent(payload({ deleted: true, after: '0'.repeat(40) }), 0)).toMatchObject({
      kind: 'ignored',
      reason: 'push deleted main',
    });
  });

  it('drops a zero `before` (a new branch) and uses the receipt time without pushed_at', () => {
    const p = payload({ before: '0'.repeat(40) });
    (p['repository'] as Record<string, unknown>)['pushed_at'] = null;
    const decision = parsePushEvent(p, 1234);
    expect(decision.kind).toBe('base');
    if (decision.kind !== 'base') return;
    expect(decision.event.before).toBeUndefined();
    expect(decision.event.updatedAt).toBe(1234);
  });

  it('names every bad field', () => {
    expect(() => parsePushEvent({ ref: 'refs/heads/main', after: 'nope' }, 0)).toThrow(
      PayloadError,
    );
    expect(() => parsePushEvent({ ref: 'refs/heads/main', after: 'nope' }, 0)).toThrow(
      /invalid push payload: .*after: must be a full 40- or 64-hex commit SHA.*installation: is required/,
    );
  });
});
