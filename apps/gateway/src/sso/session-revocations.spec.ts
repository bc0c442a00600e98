import { describe, expect, it } from 'vitest';
import { SessionRevocations } from './session-revocations.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const LATER = new Date('2026-12-02T13:00:00Z');

describe('SessionRevocations', () => {
  it('treats every session as revoked until the first read succeeds (fail closed)', async () => {
    let fail = true;
    const list = new SessionRevocations({
      load: async () => {
        if (fail) throw new Error('postgres is down');
        return [];
      },
      now: () => NOW,
    });
    expect(list.isRevoked('s-1')).toBe(true);
    await list.refresh();
    expect(list.isRevoked('s-1')).toBe(true);
    fail = false;
    await list.refresh();
    expect(list.isRevoked('s-1')).toBe(false);
  });

  it('reads only what was revoked since its watermark, and forgets expired sessions', async () => {
    const calls: Date[] = [];
    let rows = [{ id: 's-1', revokedAt: NOW, expiresAt: LATER }];
    let now = NOW;
    const list = new SessionRevocations({
      load: async (since) => {
        calls.push(since);
        return rows;
      },
      now: () => now,
    });
    await list.refresh();
    expect(list.isRevoked('s-1')).toBe(true);
    rows = [];
    await list.refresh();
    expect(calls[1]?.getTime()).toBe(NOW.getTime() - 5_000); // a look-back for late commits
    now = LATER;
    await list.refresh();
    expect(list.isRevoked('s-1')).toBe(false); // its cookie has expired anyway
  });

  it('coalesces refreshes that arrive while one runs into one more read', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    const list = new SessionRevocations({
      load: async () => {
        reads += 1;
        if (reads === 1) await new Promise<void>((resolve) => (release = resolve));
        return [];
      },
      now: () => NOW,
    });
    const first = list.refresh();
    await Promise.resolve();
    const others = [list.refresh(), list.refresh(), list.refresh()];
    release();
    await Promise.all([first, ...others]);
    expect(reads).toBe(2);
  });
});
