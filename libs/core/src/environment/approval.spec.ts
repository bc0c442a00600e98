import { describe, expect, it } from 'vitest';
import { approvalState, startGate } from './approval.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('approvalState', () => {
  it('needs no approval for same-repository PRs', () => {
    expect(approvalState({ fork: false, headSha: A })).toEqual({ state: 'not-required' });
    expect(approvalState({ fork: false, headSha: A, approvedSha: B })).toEqual({
      state: 'not-required',
    });
  });

  it('holds an unapproved fork and explains why', () => {
    for (const approvedSha of [undefined, null, '']) {
      const result = approvalState({ fork: true, headSha: A, approvedSha });
      expect(result.state).toBe('held');
      if (result.state === 'held') expect(result.reason).toMatch(/fork.*preview:approved/);
    }
  });

  it('approves the exact head SHA, case-insensitively', () => {
    expect(approvalState({ fork: true, headSha: A, approvedSha: A.toUpperCase() })).toEqual({
      state: 'approved',
    });
  });

  it('holds again after a new push', () => {
    const result = approvalState({ fork: true, headSha: B, approvedSha: A });
    expect(result.state).toBe('held');
    if (result.state === 'held')
      expect(result.reason).toMatch(/given for aaaaaaa, not the new head bbbbbbb/);
  });

  it('accepts sha256 repositories', () => {
    const sha = 'c'.repeat(64);
    expect(approvalState({ fork: true, headSha: sha, approvedSha: sha })).toEqual({
      state: 'approved',
    });
  });

  it.each(['', 'abc', 'g'.repeat(40), A.slice(0, 39), `${A} x`])('rejects head SHA %j', (sha) => {
    expect(() => approvalState({ fork: true, headSha: sha })).toThrow(/headSha/);
  });

  it('rejects a short approved SHA rather than prefix-matching it', () => {
    expect(() => approvalState({ fork: true, headSha: A, approvedSha: A.slice(0, 7) })).toThrow(
      /approvedSha/,
    );
  });
});

describe('startGate', () => {
  it('skip wins over hold, hold over proceed', () => {
    const held = { state: 'held' as const, reason: 'x' };
    expect(startGate({ skip: true, approval: held })).toBe('skip');
    expect(startGate({ skip: false, approval: held })).toBe('hold');
    expect(startGate({ skip: false, approval: { state: 'approved' } })).toBe('proceed');
    expect(startGate({ skip: false, approval: { state: 'not-required' } })).toBe('proceed');
  });
});
