import { describe, expect, it } from 'vitest';
import type { ActionResult, EnvironmentDetail } from '../rest-client.js';
import { settledAfter, targetGeneration } from './follow-environment.js';

const env = (over: Partial<EnvironmentDetail>): EnvironmentDetail => ({
  id: 'env_1',
  repository: 'acme/shop',
  prNumber: 12,
  branch: 'feature',
  baseBranch: 'main',
  isFork: false,
  state: 'ready',
  generation: 3,
  headSha: 'a'.repeat(40),
  createdAt: '2026-12-04T12:00:00.000Z',
  updatedAt: '2026-12-04T12:00:00.000Z',
  readyAt: null,
  closedAt: null,
  destroyedAt: null,
  expiresAt: null,
  sleptAt: null,
  lastAccessAt: null,
  accessCount: 0,
  config: null,
  labelNotes: null,
  stages: [],
  services: [],
  urls: {},
  pullRequestUrl: null,
  ...over,
});

describe('following an action', () => {
  it('a redeploy is done when the new generation is ready, not the old one', () => {
    expect(settledAfter('redeploy', 4, env({ generation: 3, state: 'ready' }))).toBeUndefined();
    expect(settledAfter('redeploy', 4, env({ generation: 4, state: 'building' }))).toBeUndefined();
    expect(settledAfter('rebuild', 4, env({ generation: 4, state: 'ready' }))).toMatchObject({
      outcome: 'done',
    });
  });

  it('a failed generation names the failed stage and its error', () => {
    const failed = env({
      generation: 4,
      state: 'failed',
      stages: [
        {
          stage: 'build',
          status: 'succeeded',
          attempt: 1,
          startedAt: null,
          finishedAt: null,
          durationMs: 10,
          error: null,
        },
        {
          stage: 'wire',
          status: 'failed',
          attempt: 2,
          startedAt: null,
          finishedAt: null,
          durationMs: 5,
          error: 'DATABASE_URL points at production',
        },
      ],
    });
    expect(settledAfter('redeploy', 4, failed)).toMatchObject({
      outcome: 'failed',
      reason: 'wire failed: DATABASE_URL points at production',
    });
    expect(settledAfter('redeploy', 4, env({ generation: 4, state: 'destroyed' }))).toMatchObject({
      outcome: 'failed',
      reason: 'it is destroyed',
    });
  });

  it('a destroy is done when destroyed, whatever the generation', () => {
    expect(settledAfter('destroy', 9, env({ state: 'destroying' }))).toBeUndefined();
    expect(settledAfter('destroy', 9, env({ state: 'destroyed' }))).toMatchObject({
      outcome: 'done',
    });
  });

  it("expects the api's generation, else (queued) the one after the current", () => {
    const result = (generation: number | null) =>
      ({
        environmentId: 'env_1',
        action: 'redeploy',
        jobId: '1',
        status: 'queued',
        generation,
        expiresAt: null,
      }) satisfies ActionResult;
    expect(targetGeneration(env({ generation: 3 }), result(5))).toBe(5);
    expect(targetGeneration(env({ generation: 3 }), result(null))).toBe(4);
  });
});
