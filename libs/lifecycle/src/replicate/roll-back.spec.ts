import { describe, expect, it } from 'vitest';
import { rollBackEligible } from './roll-back.js';

const serving = { servingSha: 'f00d', servingRevision: 4 };
const changes = (replaced: string[], beyondContainers = false) => ({
  replaced: new Set(replaced),
  beyondContainers,
});

describe('rollBackEligible', () => {
  it('puts an older serving revision back when only long-running containers were replaced', () => {
    expect(rollBackEligible(serving, 5, changes(['api']))).toEqual({ sha: 'f00d', revision: 4 });
  });

  it('does not when a migration or seed ran, data changed or a service was dropped', () => {
    expect(rollBackEligible(serving, 5, changes(['api'], true))).toBeUndefined();
  });

  it('does not when nothing was replaced, nothing serves, or the serving revision is this one', () => {
    expect(rollBackEligible(serving, 5, changes([]))).toBeUndefined();
    expect(
      rollBackEligible({ servingSha: null, servingRevision: null }, 5, changes(['api'])),
    ).toBeUndefined();
    expect(rollBackEligible(serving, 4, changes(['api']))).toBeUndefined();
  });
});
