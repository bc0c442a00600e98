import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../labels/index.js';
import type { EnvironmentSnapshot } from './decide-pull-request.js';
import { decideRerun } from './rerun.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

const ready: EnvironmentSnapshot = {
  state: 'ready',
  generation: 3,
  headSha: A,
  config: DEFAULT_CONFIG,
  approvedSha: null,
  closed: false,
  prUpdatedAt: 0,
};

describe('decideRerun', () => {
  it('redeploys the current head as the next generation, from ready or failed', () => {
    expect(decideRerun(ready, { headSha: A, isFork: false })).toEqual({
      outcome: 'rerun',
      state: 'building',
      generation: 4,
    });
    expect(decideRerun({ ...ready, state: 'failed' }, { headSha: A, isFork: false })).toMatchObject(
      { outcome: 'rerun', state: 'building' },
    );
  });

  it('ignores a re-run of an older head and says which commit is the head', () => {
    expect(decideRerun(ready, { headSha: B, isFork: false })).toEqual({
      outcome: 'ignored',
      reason: "this commit is no longer the pull request's head (aaaaaaa is)",
    });
  });

  it('ignores closed, skipped and unapproved fork previews', () => {
    expect(decideRerun({ ...ready, closed: true }, { headSha: A, isFork: false })).toMatchObject({
      outcome: 'ignored',
      reason: 'the pull request is closed',
    });
    expect(
      decideRerun(
        { ...ready, config: { ...DEFAULT_CONFIG, skip: true } },
        { headSha: A, isFork: false },
      ),
    ).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('preview:skip') });
    expect(decideRerun(ready, { headSha: A, isFork: true })).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringContaining('preview:approved'),
    });
    expect(decideRerun({ ...ready, approvedSha: A }, { headSha: A, isFork: true })).toMatchObject({
      outcome: 'rerun',
    });
    expect(decideRerun({ ...ready, generation: 0 }, { headSha: A, isFork: false })).toMatchObject({
      outcome: 'ignored',
    });
  });

  it('brings back a preview whose TTL ran out while the PR is open (decision 0020)', () => {
    const expired = { ...ready, state: 'destroyed' as const, expired: true };
    expect(decideRerun(expired, { headSha: A, isFork: false })).toEqual({
      outcome: 'rerun',
      state: 'building',
      generation: 4,
    });
    expect(decideRerun({ ...expired, closed: true }, { headSha: A, isFork: false })).toMatchObject({
      outcome: 'ignored',
      reason: 'the pull request is closed',
    });
  });
});
