import { describe, expect, it } from 'vitest';
import { type PreviewCommentInput, renderPreviewComment } from './preview-comment.js';

const base: PreviewCommentInput = {
  state: 'ready',
  repo: 'acme/shop',
  pr: 12,
  headSha: 'a'.repeat(40),
  generation: 3,
  urls: { web: 'http://web-pr-12-shop.localhost' },
  services: [
    { name: 'web', status: 'healthy' },
    { name: 'db', status: 'healthy' },
  ],
  stages: [],
  labelNotes: [],
};

describe('the comment’s sleep lines (decision 0024)', () => {
  it('an asleep preview says so, since when, and that opening it wakes it', () => {
    const body = renderPreviewComment({ ...base, asleep: { since: '2026-12-05T09:01:00.000Z' } });
    expect(body).toContain('### 💤 Preview asleep');
    expect(body).not.toContain('Preview ready');
    expect(body).toContain('asleep since 2026-12-05 09:01:00 UTC');
    expect(body).toContain('**Opening any of its URLs wakes it**');
    // Its URLs stay: they are how it is woken.
    expect(body).toContain('http://web-pr-12-shop.localhost');
    expect(body).toContain('| `web` | asleep |');
    expect(body).toContain('| `db` | asleep |');
  });

  it('keeps the TTL warning, and shows "ready" again once awake', () => {
    const warned = renderPreviewComment({
      ...base,
      asleep: { since: '2026-12-05T09:01:00.000Z' },
      expiry: {
        phase: 'warning',
        expiresAt: '2026-12-05T10:00:00.000Z',
        ttl: '72h',
        source: 'default',
      },
    });
    expect(warned).toContain('### 💤 Preview asleep');
    expect(warned).toContain('#### ⏰ Expires soon');
    const awake = renderPreviewComment(base);
    expect(awake).toContain('### ✅ Preview ready');
    expect(awake).toContain('| `web` | healthy |');
    expect(awake).not.toContain('asleep');
  });

  it('only a ready preview shows asleep: a redeploy of one shows its progress', () => {
    const building = renderPreviewComment({
      ...base,
      state: 'building',
      asleep: { since: '2026-12-05T09:01:00.000Z' },
    });
    expect(building).toContain('### ⏳ Preview building');
    expect(building).not.toContain('asleep');
  });
});
