import { describe, expect, it } from 'vitest';
import type { PullRequestEvent } from '../events/pull-request-event.js';
import { DEFAULT_CONFIG } from '../labels/index.js';
import {
  decide,
  type EnvironmentSnapshot,
  jobsForState,
  storedConfig,
} from './decide-pull-request.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function event(overrides: Partial<PullRequestEvent> = {}): PullRequestEvent {
  return {
    action: 'opened',
    prNumber: 7,
    headSha: A,
    branch: 'feat',
    baseBranch: 'main',
    isFork: false,
    labels: [],
    merged: false,
    updatedAt: T0,
    sender: 'octocat',
    repository: {
      providerId: 1,
      fullName: 'acme/shop',
      owner: 'acme',
      name: 'shop',
      cloneUrl: 'http://127.0.0.1/acme/shop.git',
      defaultBranch: 'main',
      installationId: 4242,
    },
    ...overrides,
  };
}

const fresh: EnvironmentSnapshot = {
  state: 'pending',
  generation: 0,
  headSha: A,
  config: { ...DEFAULT_CONFIG },
  approvedSha: null,
  closed: false,
  prUpdatedAt: null,
};
const building: EnvironmentSnapshot = { ...fresh, state: 'building', generation: 1 };

function processed(decision: ReturnType<typeof decide>) {
  if (decision.outcome !== 'processed') throw new Error(`ignored: ${decision.detail}`);
  return decision;
}

describe('decide', () => {
  it('opens generation 1 and builds it', () => {
    const d = processed(decide(fresh, event()));
    expect(d.update).toMatchObject({ state: 'building', generation: 1, headSha: A });
    expect(d.newRevision).toBe(true);
    expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
  });

  it('a second opened with the same head is a no-op', () => {
    const d = processed(decide(building, event()));
    expect(d.update.generation).toBe(1);
    expect(d.newRevision).toBe(false);
    expect(d.jobs).toEqual([]);
  });

  it('a new head SHA bumps and builds the new generation', () => {
    const d = processed(decide(building, event({ action: 'synchronize', headSha: B })));
    expect(d.update).toMatchObject({ generation: 2, headSha: B, state: 'building' });
    expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
  });

  it('labeled events never move the head (a late delivery cannot roll it back)', () => {
    const d = processed(decide(building, event({ action: 'labeled', headSha: B, label: 'bug' })));
    expect(d.update).toMatchObject({ generation: 1, headSha: A });
    expect(d.jobs).toEqual([]);
  });

  it('a config-changing label bumps; a TTL label does not', () => {
    const rebuild = processed(
      decide(
        { ...building, state: 'ready' },
        event({ action: 'labeled', label: 'preview:rebuild', labels: ['preview:rebuild'] }),
      ),
    );
    expect(rebuild.update).toMatchObject({ generation: 2, state: 'building' });
    expect(rebuild.update.config.rebuild).toBe(true);
    const ttl = processed(
      decide(
        { ...building, state: 'ready' },
        event({ action: 'labeled', label: 'ttl:1h', labels: ['ttl:1h'] }),
      ),
    );
    expect(ttl.update).toMatchObject({ generation: 1, state: 'ready' });
    expect(ttl.update.config.ttlMs).toBe(3_600_000);
    expect(ttl.jobs).toEqual([]);
  });

  it('keeps unknown labels as notes, and reads the ones it knows', () => {
    const d = processed(decide(fresh, event({ labels: ['preview:foo', 'preview:frontend-only'] })));
    expect(d.update.labelNotes).toEqual([
      expect.objectContaining({ label: 'preview:foo', kind: 'problem' }),
    ]);
    expect(d.update.config.mode).toBe('frontend-only');
  });

  describe('forks', () => {
    const fork = { isFork: true };
    it('holds an unapproved fork and notifies', () => {
      const d = processed(decide(fresh, event(fork)));
      expect(d.update.state).toBe('held');
      expect(d.jobs).toEqual([{ kind: 'notify', reason: 'held' }]);
    });

    it('a label present at open is not an approval (it must be given for a SHA)', () => {
      const d = processed(decide(fresh, event({ ...fork, labels: ['preview:approved'] })));
      expect(d.update.state).toBe('held');
    });

    const approve = event({
      ...fork,
      action: 'labeled',
      label: 'preview:approved',
      labels: ['preview:approved'],
      sender: 'maintainer',
    });

    it('preview:approved from a writer pins the head SHA and builds the same generation', () => {
      const held = { ...building, state: 'held' as const };
      const d = processed(decide(held, approve, { senderCanApprove: true }));
      expect(d.update).toMatchObject({ state: 'building', generation: 1, approvedSha: A });
      expect(d.newRevision).toBe(false);
      expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
    });

    it('preview:approved from a user without write access approves nothing, and says so', () => {
      const held = { ...building, state: 'held' as const };
      for (const facts of [{ senderCanApprove: false }, {}]) {
        const d = processed(decide(held, { ...approve, sender: 'drive-by' }, facts));
        expect(d.update).toMatchObject({ state: 'held', approvedSha: null });
        expect(d.jobs).toEqual([]);
        expect(d.update.labelNotes).toContainEqual(
          expect.objectContaining({
            label: 'preview:approved',
            kind: 'problem',
            message: expect.stringMatching(/@drive-by.*no write access/),
          }),
        );
      }
    });

    it('removing the label from a running fork preview stops it', () => {
      const running = { ...building, state: 'ready' as const, approvedSha: A };
      const d = processed(
        decide(running, event({ ...fork, action: 'unlabeled', label: 'preview:approved' })),
      );
      expect(d.update).toMatchObject({ state: 'held', generation: 2, approvedSha: null });
      expect(d.newRevision).toBe(true);
      expect(d.jobs).toEqual([
        { kind: 'stage', stage: 'teardown' },
        { kind: 'notify', reason: 'held' },
      ]);
    });

    it('a later push is held again', () => {
      const approved = { ...building, state: 'ready' as const, approvedSha: A };
      const d = processed(
        decide(
          approved,
          event({ ...fork, action: 'synchronize', headSha: B, labels: ['preview:approved'] }),
        ),
      );
      expect(d.update).toMatchObject({ state: 'held', generation: 2, approvedSha: A });
      expect(d.jobs).toEqual([{ kind: 'notify', reason: 'held' }]);
    });

    it('removing the label revokes the approval', () => {
      const approved = { ...building, approvedSha: A };
      const d = processed(
        decide(approved, event({ ...fork, action: 'unlabeled', label: 'preview:approved' })),
      );
      expect(d.update.approvedSha).toBeNull();
    });
  });

  describe('skip', () => {
    it('skips a new PR without teardown', () => {
      const d = processed(decide(fresh, event({ labels: ['preview:skip'] })));
      expect(d.update.state).toBe('skipped');
      expect(d.jobs).toEqual([{ kind: 'notify', reason: 'skipped' }]);
    });

    it('skipping a live environment tears it down in a new generation', () => {
      const d = processed(
        decide(
          { ...building, state: 'ready' },
          event({ action: 'labeled', label: 'preview:skip', labels: ['preview:skip'] }),
        ),
      );
      expect(d.update).toMatchObject({ state: 'skipped', generation: 2 });
      expect(d.jobs).toEqual([
        { kind: 'stage', stage: 'teardown' },
        { kind: 'notify', reason: 'skipped' },
      ]);
    });

    it('un-skipping after the teardown finished starts again', () => {
      const destroyed = {
        ...building,
        state: 'destroyed' as const,
        generation: 2,
        config: { ...DEFAULT_CONFIG, skip: true },
      };
      const d = processed(
        decide(destroyed, event({ action: 'unlabeled', label: 'preview:skip', labels: [] })),
      );
      expect(d.update).toMatchObject({ state: 'building', generation: 3 });
      expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
    });
  });

  describe('close and reopen', () => {
    it('closing bumps, marks destroying and tears down', () => {
      const d = processed(decide({ ...building, state: 'ready' }, event({ action: 'closed' })));
      expect(d.update).toMatchObject({ state: 'destroying', generation: 2, closure: 'closed' });
      expect(d.newRevision).toBe(true);
      expect(d.jobs).toEqual([{ kind: 'stage', stage: 'teardown' }]);
    });

    it('a second close and events after close are ignored', () => {
      const closed = { ...building, state: 'destroying' as const, generation: 2, closed: true };
      expect(decide(closed, event({ action: 'closed' })).outcome).toBe('ignored');
      expect(decide(closed, event({ action: 'synchronize', headSha: B })).outcome).toBe('ignored');
    });

    it('reopening a destroyed environment provisions a new generation', () => {
      const destroyed = { ...building, state: 'destroyed' as const, generation: 2, closed: true };
      const d = processed(decide(destroyed, event({ action: 'reopened' })));
      expect(d.update).toMatchObject({ state: 'building', generation: 3, closure: 'reopened' });
      expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
    });

    it('opened after close (an identity reused) starts over with a new comment', () => {
      const destroyed = { ...building, state: 'destroyed' as const, generation: 2, closed: true };
      const d = processed(decide(destroyed, event({ action: 'opened', headSha: B })));
      expect(d.update).toMatchObject({
        state: 'building',
        generation: 3,
        headSha: B,
        closure: 'reopened',
        forgetComment: true,
      });
      expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
    });

    it('close of a PR Berth never saw is ignored', () => {
      expect(decide(fresh, event({ action: 'closed' })).outcome).toBe('ignored');
    });
  });

  it('edited updates the base branch without a new generation', () => {
    const d = processed(decide(building, event({ action: 'edited', baseBranch: 'develop' })));
    expect(d.update).toMatchObject({ baseBranch: 'develop', generation: 1 });
    expect(d.jobs).toEqual([]);
  });
});

describe('storedConfig', () => {
  it('fills defaults for missing or junk JSON', () => {
    expect(storedConfig({})).toEqual(DEFAULT_CONFIG);
    expect(storedConfig(null)).toEqual(DEFAULT_CONFIG);
    expect(storedConfig({ skip: true }).skip).toBe(true);
  });
});

describe('jobsForState', () => {
  it('re-derives the jobs of the current generation from the state', () => {
    expect(jobsForState('building')).toEqual([{ kind: 'stage', stage: 'build' }]);
    expect(jobsForState('held')).toEqual([{ kind: 'notify', reason: 'held' }]);
    expect(jobsForState('destroying')).toEqual([{ kind: 'stage', stage: 'teardown' }]);
    expect(jobsForState('skipped').map((j: { kind: string }) => j.kind)).toEqual([
      'stage',
      'notify',
    ]);
    expect(jobsForState('ready')).toEqual([]);
    expect(jobsForState('provisioning')).toEqual([]);
  });
});

describe('prUpdatedAt', () => {
  it('keeps the newest updated_at applied', () => {
    const at = (ms: number) =>
      processed(decide({ ...building, prUpdatedAt: T0 }, event({ updatedAt: ms }))).update
        .prUpdatedAt;
    expect(at(T0 + 5_000)).toBe(T0 + 5_000);
    expect(at(T0 - 5_000)).toBe(T0);
  });

  describe('after a TTL expiry (decision 0020)', () => {
    const expired: EnvironmentSnapshot = {
      ...fresh,
      state: 'destroyed',
      generation: 4,
      expired: true,
      config: { ...DEFAULT_CONFIG, ttlMs: 60_000 },
      prUpdatedAt: T0,
    };
    const later = { updatedAt: T0 + 1_000, labels: ['ttl:1m'] };

    it('a push starts a new generation from destroyed: the reopen edge, not ignored', () => {
      const d = processed(decide(expired, event({ action: 'synchronize', headSha: B, ...later })));
      expect(d.update).toMatchObject({ state: 'building', generation: 5, headSha: B });
      expect(d.update.ttlLabelMs).toBe(60_000);
      expect(d.newRevision).toBe(true);
      expect(d.jobs).toEqual([{ kind: 'stage', stage: 'build' }]);
    });

    it("a change to Berth's labels brings it back on the same head", () => {
      for (const [action, label, labels] of [
        ['unlabeled', 'ttl:1m', []],
        ['labeled', 'ttl:2h', ['ttl:1m', 'ttl:2h']],
        ['labeled', 'preview:rebuild', ['ttl:1m', 'preview:rebuild']],
      ] as const) {
        const d = processed(
          decide(expired, event({ action, label, labels: [...labels], updatedAt: T0 + 1_000 })),
        );
        expect(d.update).toMatchObject({ state: 'building', generation: 5, headSha: A });
        expect(d.detail).toMatch(/generation 5/);
      }
      const removed = processed(
        decide(expired, event({ action: 'unlabeled', label: 'ttl:1m', updatedAt: T0 + 1_000 })),
      );
      expect(removed.update.ttlLabelMs).toBeNull();
    });

    it('other labels, and a destroyed preview that did not expire, stay as they are', () => {
      const team = processed(
        decide(
          expired,
          event({ action: 'labeled', label: 'bug', ...later, labels: ['ttl:1m', 'bug'] }),
        ),
      );
      expect(team.update).toMatchObject({ state: 'destroyed', generation: 4 });
      expect(team.newRevision).toBe(false);
      const skippedAndGone = { ...expired, expired: false };
      const ttl = processed(
        decide(skippedAndGone, event({ action: 'labeled', label: 'ttl:2h', ...later })),
      );
      expect(ttl.update).toMatchObject({ state: 'destroyed', generation: 4 });
    });

    it('a TTL label change on a live preview is bookkeeping: same generation, new ttlLabelMs', () => {
      const ready = { ...building, state: 'ready' as const };
      const d = processed(
        decide(
          ready,
          event({ action: 'labeled', label: 'ttl:1m', labels: ['ttl:1m'], updatedAt: T0 + 1 }),
        ),
      );
      expect(d.update).toMatchObject({ state: 'ready', generation: 1, ttlLabelMs: 60_000 });
      expect(d.jobs).toEqual([]);
    });
  });
});
