import { describe, expect, it } from 'vitest';
import type { EnvironmentSummary } from '../rest-client.js';
import { actionLine, environmentTable } from './env-commands.js';

const summary = (over: Partial<EnvironmentSummary>): EnvironmentSummary => ({
  id: 'env-aaaaaaaa',
  repository: 'acme/shop',
  prNumber: 12,
  branch: 'feature/cart',
  baseBranch: 'main',
  isFork: false,
  state: 'ready',
  generation: 3,
  headSha: 'a'.repeat(40),
  createdAt: '2026-12-04T12:00:00.000Z',
  updatedAt: '2026-12-04T13:05:09.123Z',
  readyAt: null,
  closedAt: null,
  destroyedAt: null,
  expiresAt: null,
  sleptAt: null,
  lastAccessAt: null,
  accessCount: 0,
  ...over,
});

describe('berth env human output', () => {
  it('a table padded to the widest cell, asleep marked, blanks as -', () => {
    expect(
      environmentTable([
        summary({ expiresAt: '2026-12-07T12:00:00.000Z' }),
        summary({
          id: 'env-bbbbbbbbbbbb',
          repository: 'acme/docs',
          prNumber: 7,
          branch: 'x',
          generation: 12,
          sleptAt: '2026-12-04T13:00:00.000Z',
        }),
      ]),
    ).toEqual([
      'ID                ENVIRONMENT   STATE           GEN  BRANCH        UPDATED           EXPIRES',
      'env-aaaaaaaa      acme/shop#12  ready           3    feature/cart  2026-12-04 13:05  2026-12-07 12:00',
      'env-bbbbbbbbbbbb  acme/docs#7   ready (asleep)  12   x             2026-12-04 13:05  -',
    ]);
  });

  it('an action: its status and generation, or that no worker took it yet', () => {
    const base = { action: 'redeploy', jobId: '42', generation: 4 };
    expect(actionLine('acme/shop#12', { ...base, status: 'redeploying' })).toBe(
      'acme/shop#12: redeploying generation 4',
    );
    expect(
      actionLine('acme/shop#12', {
        ...base,
        status: 'skipped',
        generation: null,
        detail: 'closed',
      }),
    ).toBe('acme/shop#12: skipped (closed)');
    expect(actionLine('acme/shop#12', { ...base, status: 'queued', generation: null })).toBe(
      'acme/shop#12: redeploy queued (job 42); no worker took it yet, it still runs',
    );
  });
});
