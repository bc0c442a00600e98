import { describe, expect, it } from 'vitest';
import { generateSecret, resolveSecrets, secretsOfWiring } from './environment-secrets.js';

describe('resolveSecrets', () => {
  it('reuses known values (newest first) and generates only new names', () => {
    let n = 0;
    const result = resolveSecrets(
      ['a', 'b', 'c'],
      [{ a: 'new-a' }, { a: 'old-a', b: 'old-b' }],
      () => `gen${++n}`,
    );
    expect(result).toEqual({
      values: { a: 'new-a', b: 'old-b', c: 'gen1' },
      generated: ['c'],
      reused: ['a', 'b'],
    });
  });

  it('generates 32 url-safe characters, different each time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateSecret()).not.toBe(a);
  });
});

describe('secretsOfWiring', () => {
  it('reads string secrets from stored JSON, tolerating anything else', () => {
    expect(secretsOfWiring({ secrets: { a: 'x', b: 1 } })).toEqual({ a: 'x' });
    expect(secretsOfWiring({})).toEqual({});
    expect(secretsOfWiring(null)).toEqual({});
  });
});
