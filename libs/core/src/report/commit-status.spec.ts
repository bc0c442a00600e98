import { describe, expect, it } from 'vitest';
import { STATUS_DESCRIPTION_MAX, statusFor } from './commit-status.js';

describe('statusFor', () => {
  it('maps every event to the commit status it sets', () => {
    expect(statusFor({ kind: 'started', stage: 'build' })).toEqual({
      state: 'pending',
      description: 'Building the preview',
    });
    expect(statusFor({ kind: 'started', stage: 'replicate' })).toEqual({
      state: 'pending',
      description: 'Provisioning the preview (replicate)',
    });
    expect(statusFor({ kind: 'ready' })).toEqual({
      state: 'success',
      description: 'Preview ready',
    });
    expect(statusFor({ kind: 'failed', stage: 'build', error: 'exit 1\n  at step 3' })).toEqual({
      state: 'failure',
      description: 'Preview failed at build: exit 1 at step 3',
    });
    expect(statusFor({ kind: 'held' })?.state).toBe('pending');
    expect(statusFor({ kind: 'held' })?.description).toContain('Waiting for approval');
    expect(statusFor({ kind: 'skipped' })).toEqual({
      state: 'success',
      description: 'Skipped by label preview:skip',
    });
  });

  it('teardown and destroyed update the comment only', () => {
    expect(statusFor({ kind: 'destroyed' })).toBeNull();
    expect(statusFor({ kind: 'started', stage: 'teardown' })).toBeNull();
  });

  it('keeps descriptions within 140 characters and free of secrets', () => {
    const status = statusFor(
      { kind: 'failed', stage: 'replicate', error: `password=hunter2hunter2 ${'y'.repeat(500)}` },
      ['hunter2hunter2'],
    );
    expect(status?.description.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
    expect(status?.description).not.toContain('hunter2');
  });

  it("masks the environment's secret values, in any encoding, before cutting to 140", () => {
    const password = 'q7Xk2mP9vR4tW8yZ1aB3cD5eF6gH0jLn';
    const basic = Buffer.from(`shop:${password}`).toString('base64');
    const error = `migrate: auth ${basic} refused; url postgres://shop:${encodeURIComponent(password)}@db ${'x'.repeat(200)}`;
    const failed = statusFor({ kind: 'failed', stage: 'replicate', error }, [password]);
    expect(failed?.description).toMatch(
      /^Preview failed at replicate: migrate: auth c2hvcD\*\*\* refused; url postgres:\/\/shop:\*\*\*@db x+…$/,
    );
    expect(failed?.description).not.toContain(password);
    const queued = statusFor(
      { kind: 'queued', stage: 'replicate', reason: `waiting for ${password}` },
      [password],
    );
    expect(queued?.description).toBe('Queued: waiting for ***');
  });
});
