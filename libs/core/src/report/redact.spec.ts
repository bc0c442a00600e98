import { describe, expect, it } from 'vitest';
import { redactSecrets, truncate, truncateLines } from './redact.js';

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

  it('redacts values, never compose key names: `secrets:` in a problem list stays readable', () => {
    const problems = [
      'compose.yaml has 4 problems:',
      '- secrets.seed: only file-backed secrets are supported',
      '- secrets: expected a mapping',
      '- services.web.secrets[0]: secret `a` is not declared',
      '- services.web.secrets: expected a list, got a string',
      '- x-berth.secrets[0]: secret name `Bad` must match',
    ].join('\n');
    expect(redactSecrets(problems)).toBe(problems);
    expect(redactSecrets('- services.api.environment.DB_PASSWORD: variable X is not set')).toBe(
      '- services.api.environment.DB_PASSWORD: variable X is not set',
    );
    expect(redactSecrets('JWT_SECRET=abc123 client_secret: xyz789')).toBe(
      'JWT_SECRET=*** client_secret: ***',
    );
  });

  it('leaves ordinary text and short values alone', () => {
    expect(redactSecrets('exit code 1 in step build', ['1'])).toBe('exit code 1 in step build');
  });
});

describe('truncateLines', () => {
  it('keeps whole lines and counts what it leaves out', () => {
    const list = ['file has 40 problems:', ...Array.from({ length: 40 }, (_, i) => `- p${i}: m`)];
    expect(truncateLines(list.join('\n'), 10_000)).toBe(list.join('\n'));
    const cut = truncateLines(list.join('\n'), 200).split('\n');
    const kept = cut.filter((l) => l.startsWith('- ')).length;
    expect(cut.at(-1)).toBe(`… and ${40 - kept} more problems`);
    expect(cut.join('\n').length).toBeLessThanOrEqual(200);
    expect(
      truncateLines('a\nb\n' + 'c'.repeat(300), 100)
        .split('\n')
        .at(-1),
    ).toBe('… and 1 more line');
  });
});

describe('truncate', () => {
  it('cuts with an ellipsis only when too long', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(() => truncate('x', 0)).toThrow(/max must be at least 1/);
  });
});
