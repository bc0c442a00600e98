import { describe, expect, it } from 'vitest';
import { ShareLinkRevocations } from './share-link-revocations.js';

describe('ShareLinkRevocations', () => {
  it('refuses every link until the first load succeeds (fail closed)', async () => {
    let fail = true;
    const revocations = new ShareLinkRevocations({
      load: async () => {
        if (fail) throw new Error('postgres down');
        return ['gone'];
      },
    });
    expect(revocations.isRevoked('any')).toBe(true);
    await revocations.refresh();
    expect(revocations.isRevoked('any')).toBe(true);
    fail = false;
    await revocations.refresh();
    expect(revocations.isRevoked('any')).toBe(false);
    expect(revocations.isRevoked('gone')).toBe(true);
  });

  it('applies a published revocation at once, without reading the store', async () => {
    let loads = 0;
    const revocations = new ShareLinkRevocations({
      load: async () => {
        loads += 1;
        return [];
      },
    });
    await revocations.refresh();
    revocations.revoke('x');
    expect(revocations.isRevoked('x')).toBe(true);
    expect(loads).toBe(1);
  });

  it('keeps a revocation heard while a load whose snapshot predates it was running', async () => {
    let release: (ids: string[]) => void = () => undefined;
    const revocations = new ShareLinkRevocations({
      load: () => new Promise<string[]>((resolve) => (release = resolve)),
    });
    const loading = revocations.refresh();
    revocations.revoke('late');
    release(['early']);
    await loading;
    expect(revocations.isRevoked('late')).toBe(true);
    expect(revocations.isRevoked('early')).toBe(true);
    expect(revocations.isRevoked('other')).toBe(false);
  });
});
