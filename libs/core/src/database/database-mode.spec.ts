import { describe, expect, it } from 'vitest';
import { type BaseStateRef, planDatabase } from './database-mode.js';

const base: BaseStateRef = {
  sha: 'abcdef0123456789abcdef0123456789abcdef01',
  generation: 4,
  capturedAt: '2026-12-03T10:00:00.000Z',
  volumes: { '/var/lib/postgresql/data': 'berth-acme--shop-pr-0-db-data-base-1' },
};
const common = { service: 'db', baseBranch: 'main' };

describe('planDatabase', () => {
  it('branches a new database from the base when there is one and no label says otherwise', () => {
    const plan = planDatabase({ ...common, base });
    expect(plan).toMatchObject({ mode: 'branch', action: 'branched', base });
    expect(plan.note).toBe('`db`: a copy of main at abcdef0 (db:branch)');
  });

  it('says whether the copy is of the base the PR was cut from or the newest kept', () => {
    expect(planDatabase({ ...common, base, cutFrom: base.sha }).note).toBe(
      '`db`: a copy of main at abcdef0, where this PR was cut from (db:branch)',
    );
    expect(planDatabase({ ...common, base, cutFrom: '1234567'.padEnd(40, '0') }).note).toBe(
      '`db`: a copy of main at abcdef0, the newest kept (this PR was cut from 1234567, which has no base state) (db:branch)',
    );
  });

  it('starts empty without a base, and says how to get one when db:branch asked', () => {
    expect(planDatabase(common)).toMatchObject({ mode: 'fresh', action: 'created' });
    const asked = planDatabase({ ...common, labelled: 'branch' });
    expect(asked).toMatchObject({ mode: 'fresh', action: 'created' });
    expect(asked.note).toMatch(/no base state of main yet.*a push to main captures one/);
  });

  it('honours db:fresh even when a base exists', () => {
    expect(planDatabase({ ...common, labelled: 'fresh', base })).toMatchObject({
      mode: 'fresh',
      action: 'created',
    });
  });

  it('keeps an existing database: a newer base or a changed default never wipes it', () => {
    const current = { mode: 'branch' as const, baseSha: '1111111aaaa' };
    const kept = planDatabase({ ...common, base, current });
    expect(kept).toMatchObject({ mode: 'branch', action: 'kept' });
    expect(kept.note).toBe('`db`: data kept (db:branch, branched from main at 1111111)');
    expect(planDatabase({ ...common, base, current: { mode: 'fresh' } })).toMatchObject({
      mode: 'fresh',
      action: 'kept',
    });
  });

  it('replaces the data when a label changes the mode: restored from the base, or reset', () => {
    expect(
      planDatabase({ ...common, labelled: 'branch', base, current: { mode: 'fresh' } }),
    ).toMatchObject({ mode: 'branch', action: 'restored', base });
    const reset = planDatabase({
      ...common,
      labelled: 'fresh',
      base,
      current: { mode: 'branch', baseSha: base.sha },
    });
    expect(reset).toMatchObject({ mode: 'fresh', action: 'reset' });
    expect(reset.note).toMatch(/reset to an empty database/);
  });

  it('keeps what exists when db:branch has nothing to branch from', () => {
    const plan = planDatabase({ ...common, labelled: 'branch', current: { mode: 'fresh' } });
    expect(plan).toMatchObject({ mode: 'fresh', action: 'kept' });
    expect(plan.note).toMatch(/no base state of main yet/);
  });

  describe('db:snapshot', () => {
    const snapshot = {
      name: 'prod-2026-12',
      engine: 'postgres' as const,
      format: 'pg-custom' as const,
      registeredAt: '2026-12-01T08:00:00.000Z',
      masked: true,
    };

    it('restores the chosen snapshot into a new database', () => {
      const plan = planDatabase({ ...common, labelled: 'snapshot', snapshot, base });
      expect(plan).toMatchObject({ mode: 'snapshot', action: 'created', snapshot });
      expect(plan.base).toBeUndefined();
      expect(plan.note).toBe(
        '`db`: restored from snapshot `prod-2026-12` (sanitized, masked, registered 2026-12-01) (db:snapshot)',
      );
    });

    it('replaces a branched database when the label asks for the snapshot', () => {
      const current = { mode: 'branch' as const, baseSha: base.sha };
      const plan = planDatabase({ ...common, labelled: 'snapshot', snapshot, current, base });
      expect(plan).toMatchObject({ mode: 'snapshot', action: 'reset', snapshot });
      expect(plan.note).toMatch(/replaced with snapshot `prod-2026-12`/);
    });

    it('keeps a restored database across pushes, saying where it came from', () => {
      const current = { mode: 'snapshot' as const, snapshot: 'prod-2026-11' };
      const plan = planDatabase({ ...common, labelled: 'snapshot', snapshot, current });
      expect(plan).toMatchObject({ mode: 'snapshot', action: 'kept' });
      expect(plan.note).toBe(
        '`db`: data kept (db:snapshot, restored from snapshot `prod-2026-11`)',
      );
    });

    it('takes the operator’s default mode when no label chooses', () => {
      expect(planDatabase({ ...common, defaultMode: 'snapshot', snapshot, base })).toMatchObject({
        mode: 'snapshot',
        action: 'created',
      });
      expect(planDatabase({ ...common, defaultMode: 'fresh', base })).toMatchObject({
        mode: 'fresh',
      });
      // A label still beats the operator's default.
      expect(
        planDatabase({ ...common, defaultMode: 'snapshot', labelled: 'branch', snapshot, base }),
      ).toMatchObject({ mode: 'branch' });
    });
  });
});
