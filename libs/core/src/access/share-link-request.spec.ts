import { describe, expect, it } from 'vitest';
import { parseShareLinkRequest } from './share-link-request.js';

describe('parseShareLinkRequest', () => {
  it('defaults to 24 hours, minted by "admin"', () => {
    expect(parseShareLinkRequest(undefined)).toEqual({
      ok: true,
      request: { ttlSeconds: 86_400, createdBy: 'admin' },
    });
  });

  it('keeps a note and a lifetime between 1 hour and 7 days', () => {
    expect(
      parseShareLinkRequest({ ttlSeconds: 3600, note: ' designer ', createdBy: 'ops' }),
    ).toEqual({ ok: true, request: { ttlSeconds: 3600, note: 'designer', createdBy: 'ops' } });
    expect(parseShareLinkRequest({ ttlSeconds: 604_800 }).ok).toBe(true);
  });

  it('names every bad field and how to fix it', () => {
    expect(parseShareLinkRequest({ ttlSeconds: 60, note: '', colour: 'red' })).toEqual({
      ok: false,
      problems: [
        'ttlSeconds: must be at least 3600 (1h)',
        'note: must not be empty (leave it out instead)',
        'colour: unknown field; known: ttlSeconds, note, createdBy',
      ],
    });
    expect(parseShareLinkRequest({ ttlSeconds: 604_801 })).toMatchObject({
      problems: ['ttlSeconds: must be at most 604800 (7d)'],
    });
  });
});
