import type { Revision, StageRun } from '@berth/db';
import { describe, expect, it } from 'vitest';
import {
  commentState,
  labelNotes,
  serviceRows,
  servingOlder,
  stageRows,
  wiringSecrets,
} from './comment-facts.js';

const run = (
  stage: StageRun['stage'],
  attempt: number,
  status: StageRun['status'],
  details: unknown = null,
) =>
  ({ stage, attempt, status, durationMs: 100 * attempt, errorMessage: null, details }) as StageRun;

describe('comment facts', () => {
  it('picks the comment state from the event, the stage state for `started`', () => {
    expect(commentState('building', { kind: 'started', stage: 'build' })).toBe('building');
    expect(commentState('provisioning', { kind: 'started', stage: 'wire' })).toBe('provisioning');
    expect(commentState('destroying', { kind: 'started', stage: 'teardown' })).toBe('destroying');
    expect(commentState('ready', { kind: 'ready' })).toBe('ready');
    expect(commentState('failed', { kind: 'failed', stage: 'build', error: 'x' })).toBe('failed');
    expect(commentState('held', { kind: 'held' })).toBe('held');
    expect(commentState('skipped', { kind: 'skipped' })).toBe('skipped');
    expect(commentState('destroyed', { kind: 'destroyed' })).toBe('destroyed');
  });

  it('keeps the latest attempt of each stage, in pipeline order', () => {
    const rows = stageRows([
      run('replicate', 1, 'failed'),
      run('build', 1, 'succeeded'),
      run('replicate', 2, 'succeeded'),
      run('wire', 1, 'succeeded'),
    ]);
    expect(rows.map((r) => `${r.stage}:${r.status}:${r.durationMs}`)).toEqual([
      'build:succeeded:100',
      'wire:succeeded:100',
      'replicate:succeeded:200',
    ]);
  });

  it('reads service health from replicate details and image sources from the revision', () => {
    const revision = {
      images: { api: { tag: 't', source: 'built', durationMs: 900 } },
      wiring: { spec: { services: { api: {}, postgres: {} } } },
    } as unknown as Revision;
    const runs = [
      run('replicate', 1, 'succeeded', {
        services: { api: { healthy: true }, postgres: { healthy: null } },
      }),
    ];
    expect(serviceRows(revision, 'ready', runs)).toEqual([
      { name: 'api', status: 'healthy', source: 'built', durationMs: 900 },
      { name: 'postgres', status: 'running' },
    ]);
    expect(serviceRows(revision, 'building', []).map((s) => s.status)).toEqual([
      'waiting',
      'waiting',
    ]);
  });

  it('shows what replicate waited for: a one-shot completed, a service healthy or running', () => {
    const revision = {
      images: {},
      wiring: { spec: { services: { migrate: {}, api: {}, worker: {} } } },
    } as unknown as Revision;
    const runs = [
      run('replicate', 1, 'succeeded', {
        services: {
          migrate: { healthy: true, state: 'completed' },
          api: { healthy: true, state: 'healthy' },
          worker: { healthy: null, state: 'running' },
        },
      }),
    ];
    expect(
      Object.fromEntries(serviceRows(revision, 'ready', runs).map((r) => [r.name, r.status])),
    ).toEqual({ migrate: 'completed', api: 'healthy', worker: 'running' });
  });

  it('collects generated credentials for redaction, not ordinary values', () => {
    expect(
      wiringSecrets({
        environment: {
          api: { DB_PASSWORD: 'p4ss-generated', NODE_ENV: 'production', API_TOKEN: 'tok-123456' },
        },
      }),
    ).toEqual(['p4ss-generated', 'tok-123456']);
  });

  it('accepts label notes as objects or strings and drops junk', () => {
    expect(
      labelNotes([{ label: 'db:x', message: 'unknown' }, 'plain', 42, { label: 'y' }]),
    ).toEqual([{ label: 'db:x', message: 'unknown' }, { message: 'plain' }]);
    expect(labelNotes(null)).toEqual([]);
  });
});

describe('servingOlder (decision 0038)', () => {
  const env = (state: 'building' | 'failed' | 'ready' | 'destroyed', revision: number | null) => ({
    state,
    servingSha: revision === null ? null : 'f00d',
    servingRevision: revision,
  });

  it('names the older serving revision while a newer one builds or has failed', () => {
    expect(servingOlder(env('building', 2), { generation: 3 })).toEqual({
      sha: 'f00d',
      generation: 2,
    });
    expect(servingOlder(env('failed', 2), { generation: 3 })).toEqual({
      sha: 'f00d',
      generation: 2,
    });
  });

  it('is nothing when the revision is the serving one, nothing serves, or the state says otherwise', () => {
    expect(servingOlder(env('building', 3), { generation: 3 })).toBeUndefined();
    expect(servingOlder(env('building', null), { generation: 3 })).toBeUndefined();
    expect(servingOlder(env('ready', 2), { generation: 3 })).toBeUndefined();
    expect(servingOlder(env('destroyed', 2), { generation: 3 })).toBeUndefined();
  });
});
