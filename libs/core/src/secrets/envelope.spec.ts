import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MasterKeyring,
  masterKeyId,
  openSecret,
  openWithRing,
  rewrapSecret,
  sealSecret,
  SecretDecryptionError,
} from './envelope.js';

const key = randomBytes(32);
const at = { scope: 'global', name: 'github/app' };

describe('secret envelope', () => {
  it('round-trips a value and never carries it in the clear', () => {
    const sealed = sealSecret(key, at, 'hunter2-very-secret');
    expect(openSecret(key, at, sealed)).toBe('hunter2-very-secret');
    expect(sealed.ciphertext.toString('latin1')).not.toContain('hunter2');
    expect(sealed.wrappedKey.length).toBe(12 + 32 + 16);
  });

  it('uses a fresh data key and IV for every seal', () => {
    const a = sealSecret(key, at, 'same');
    const b = sealSecret(key, at, 'same');
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });

  it('refuses another master key, naming the variable', () => {
    const sealed = sealSecret(key, at, 'v');
    expect(() => openSecret(randomBytes(32), at, sealed)).toThrow(SecretDecryptionError);
    expect(() => openSecret(randomBytes(32), at, sealed)).toThrow(/BERTH_MASTER_KEY/);
  });

  it('refuses a row moved to another name or scope', () => {
    const sealed = sealSecret(key, at, 'v');
    expect(() => openSecret(key, { ...at, name: 'other' }, sealed)).toThrow(SecretDecryptionError);
    expect(() => openSecret(key, { ...at, scope: 'repo:a/b' }, sealed)).toThrow(
      SecretDecryptionError,
    );
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = sealSecret(key, at, 'value');
    const bad = Buffer.from(sealed.ciphertext);
    bad[14] = (bad[14] ?? 0) ^ 1;
    expect(() => openSecret(key, at, { ...sealed, ciphertext: bad })).toThrow(
      SecretDecryptionError,
    );
  });

  it('refuses a master key of the wrong size with the fix', () => {
    expect(() => sealSecret(randomBytes(16), at, 'v')).toThrow(/openssl rand -base64 32/);
  });
});

describe('master key rotation', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const address = { scope: 'repository:acme/shop', name: 'API_KEY' };

  it('re-seals only the data key: the value opens under the new key, not the old', () => {
    const sealed = sealSecret(oldKey, address, 'sk_test_123');
    const moved = rewrapSecret(oldKey, newKey, address, sealed);
    expect(moved.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(openSecret(newKey, address, moved)).toBe('sk_test_123');
    expect(() => openSecret(oldKey, address, moved)).toThrow(SecretDecryptionError);
  });

  it('opens a row by its key id, or by trying the ring when the row names none', () => {
    const ring = new MasterKeyring(newKey, [oldKey]);
    const sealed = sealSecret(oldKey, address, 'v');
    expect(openWithRing(ring, masterKeyId(oldKey), address, sealed).value).toBe('v');
    expect(openWithRing(ring, null, address, sealed).key.equals(oldKey)).toBe(true);
    expect(ring.currentId).toBe(masterKeyId(newKey));
    expect(() => openWithRing(new MasterKeyring(newKey), null, address, sealed)).toThrow(
      /BERTH_MASTER_KEY/,
    );
  });

  it('gives keys distinct ids that do not reveal them', () => {
    expect(masterKeyId(oldKey)).not.toBe(masterKeyId(newKey));
    expect(masterKeyId(oldKey)).toMatch(/^[0-9a-f]{16}$/);
    expect(oldKey.toString('hex')).not.toContain(masterKeyId(oldKey));
  });
});
