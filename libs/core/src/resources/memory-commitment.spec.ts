import { describe, expect, it } from 'vitest';
import { admitMemory, hostMemoryCommitBytes } from './memory-commitment.js';

const MIB = 1024 * 1024;

describe('hostMemoryCommitBytes', () => {
  it("uses the operator's value when set, else MemTotal × ratio", () => {
    expect(hostMemoryCommitBytes(2048, 64 * 1024 * MIB)).toBe(2048 * MIB);
    expect(hostMemoryCommitBytes(undefined, 1000 * MIB)).toBe(Math.floor(900 * MIB));
    expect(hostMemoryCommitBytes(undefined, 1000 * MIB, 0.5)).toBe(500 * MIB);
  });
});

describe('admitMemory', () => {
  it('admits exactly up to the commitment', () => {
    expect(
      admitMemory({ committedBytes: 600 * MIB, capacityBytes: 1024 * MIB, neededBytes: 424 * MIB }),
    ).toEqual({ admitted: true });
  });

  it('queues one byte over', () => {
    expect(
      admitMemory({
        committedBytes: 600 * MIB,
        capacityBytes: 1024 * MIB,
        neededBytes: 424 * MIB + 1,
      }).admitted,
    ).toBe(false);
  });

  it('says what is committed, of what, and what it needs', () => {
    const verdict = admitMemory({
      committedBytes: 600 * MIB,
      capacityBytes: 1024 * MIB,
      neededBytes: 425 * MIB,
    });
    expect(verdict).toMatchObject({ admitted: false, exceedsCapacity: false });
    expect(!verdict.admitted && verdict.reason).toMatch(
      /^queued: host memory committed 600 of 1024 MB, needs 425 MB; it starts when/,
    );
  });

  it('says when an environment is larger than the whole commitment', () => {
    const verdict = admitMemory({
      committedBytes: 0,
      capacityBytes: 1024 * MIB,
      neededBytes: 2048 * MIB,
    });
    expect(verdict).toMatchObject({ admitted: false, exceedsCapacity: true });
    expect(!verdict.admitted && verdict.reason).toContain('HOST_MEMORY_COMMIT_MB');
  });
});
