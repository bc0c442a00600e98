import { describe, expect, it } from 'vitest';
import { readBy } from './secret-command.js';

const at = '2026-12-04T10:00:00.000Z';

describe('berth secret ls', () => {
  it('keeps what a preview of the repository or of one PR reads, by name, as layers', () => {
    const entries = [
      {
        scope: 'pr-4',
        name: 'stripe',
        kind: 'reference' as const,
        reference: 'shop/s',
        updatedAt: at,
      },
      { scope: 'pr-9', name: 'other_pr', kind: 'value' as const, updatedAt: at },
      { scope: 'repository', name: 'api_key', kind: 'value' as const, updatedAt: at },
      { scope: 'installation', name: 'sentry_dsn', kind: 'value' as const, updatedAt: at },
    ];
    expect(readBy(entries, 4)).toEqual([
      { layer: 'repository', name: 'api_key', kind: 'value', updatedAt: at },
      { layer: 'installation', name: 'sentry_dsn', kind: 'value', updatedAt: at },
      {
        layer: 'pull_request',
        name: 'stripe',
        kind: 'reference',
        reference: 'shop/s',
        updatedAt: at,
      },
    ]);
    expect(readBy(entries, undefined).map((e) => e.name)).toEqual(['api_key', 'sentry_dsn']);
  });
});
