import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretDecryptionError } from './envelope.js';

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
