import { describe, expect, it } from 'vitest';
import { ContainerSpecError } from './container-host.errors.js';
import { allowedCapabilities, DEFAULT_LIMITS, effectiveLimits } from './security-policy.js';

describe('allowedCapabilities', () => {
  it('normalises spellings and de-duplicates', () => {
    expect(allowedCapabilities(['cap_chown', 'CHOWN', ' setuid '])).toEqual(['CHOWN', 'SETUID']);
    expect(allowedCapabilities(undefined)).toEqual([]);
  });

  it.each(['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW', 'ALL'])('refuses %s, naming the field', (cap) => {
    expect(() => allowedCapabilities([cap])).toThrow(ContainerSpecError);
    expect(() => allowedCapabilities([cap])).toThrow(/^capAdd: capability .* is not allowed/);
  });
});

describe('effectiveLimits', () => {
  it('fills what the caller left out from the defaults', () => {
    expect(effectiveLimits({ memoryBytes: 1024, cpus: undefined })).toEqual({
      ...DEFAULT_LIMITS,
      memoryBytes: 1024,
    });
    expect(effectiveLimits(undefined)).toEqual(DEFAULT_LIMITS);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (bad) => {
    expect(() => effectiveLimits({ pids: bad })).toThrow(
      /^limits\.pids: must be a positive number/,
    );
  });
});
