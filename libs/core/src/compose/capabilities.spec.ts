import { describe, expect, it } from 'vitest';
import { BASELINE_CAPABILITIES, CAPABILITY_ALLOWLIST } from './capabilities.js';

describe('capabilities', () => {
  it('grants by default only what a compose file could ask for', () => {
    for (const cap of BASELINE_CAPABILITIES) expect(CAPABILITY_ALLOWLIST).toContain(cap);
  });

  it('never allows a capability that reaches past the container', () => {
    for (const cap of ['ALL', 'NET_ADMIN', 'NET_RAW', 'SYS_ADMIN', 'SYS_PTRACE', 'MKNOD']) {
      expect(CAPABILITY_ALLOWLIST).not.toContain(cap);
    }
  });

  it('names each capability once, upper case, without the CAP_ prefix', () => {
    for (const list of [CAPABILITY_ALLOWLIST, BASELINE_CAPABILITIES]) {
      expect(new Set(list).size).toBe(list.length);
      for (const cap of list) expect(cap).toMatch(/^[A-Z_]+$/);
      for (const cap of list) expect(cap.startsWith('CAP_')).toBe(false);
    }
  });
});
