import { describe, expect, it } from 'vitest';
import { generateSecret, resolveSecrets } from './environment-secrets.js';

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
