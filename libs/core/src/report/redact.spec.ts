import { describe, expect, it } from 'vitest';
import { redactSecrets, truncate } from './redact.js';

describe('redactSecrets', () => {
  it('removes given values, URL passwords, secret-named assignments, GitHub tokens and PEM keys', () => {
    const text = [
      'given: s3cr3t-value-xyz',
      'url: postgres://app:pw-in-url@db:5432/x',
      'POSTGRES_PASSWORD=abc123 API_KEY: "k e y"',
      'token ghs_0123456789abcdef and github_pat_ABCDEFGH_123',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const out = redactSecrets(text, ['s3cr3t-value-xyz']);
    for (const leaked of ['s3cr3t-value-xyz', 'pw-in-url', 'abc123', 'k e y', 'ghs_0123', 'MIIE']) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('postgres://app:***@db:5432/x');
    expect(out).toContain('POSTGRES_PASSWORD=***');
  });

  it('leaves ordinary text and short values alone', () => {
    expect(redactSecrets('exit code 1 in step build', ['1'])).toBe('exit code 1 in step build');
  });
});

describe('truncate', () => {
  it('cuts with an ellipsis only when too long', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(() => truncate('x', 0)).toThrow(/max must be at least 1/);
  });
});
