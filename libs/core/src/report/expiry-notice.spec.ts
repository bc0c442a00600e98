import { describe, expect, it } from 'vitest';
import { type PreviewCommentInput, renderPreviewComment } from './preview-comment.js';

const base: PreviewCommentInput = {
  state: 'ready',
  repo: 'acme/shop',
  pr: 12,
  headSha: 'a'.repeat(40),
  generation: 3,
  urls: { web: 'http://web-pr-12-shop.localhost' },
  services: [{ name: 'web', status: 'healthy' }],
  stages: [],
  labelNotes: [],
};

describe('the comment’s TTL lines (decision 0020)', () => {
  it('a warned preview keeps its state and says when it expires and how to keep it', () => {
    const body = renderPreviewComment({
      ...base,
      expiry: {
        phase: 'warning',
        expiresAt: '2026-12-04T09:01:00.000Z',
        ttl: '1m',
        source: 'label',
        labelled: true,
      },
    });
    expect(body).toContain('### ✅ Preview ready');
    expect(body).toContain('#### ⏰ Expires soon');
    expect(body).toContain('expires at **2026-12-04 09:01:00 UTC** (1m, from the `ttl:` label');
    expect(body).toContain('push a commit (the clock restarts)');
    expect(body).toContain('`berth env extend acme/shop#12 --by 24h`');
    expect(body).toContain('http://web-pr-12-shop.localhost');
  });

  it('an expired preview says so instead of "destroyed", and how to bring it back', () => {
    const expiry = {
      phase: 'expired' as const,
      expiresAt: '2026-12-04T09:01:00.000Z',
      ttl: '1m',
      source: 'label' as const,
      labelled: true,
    };
    const gone = renderPreviewComment({ ...base, state: 'destroyed', urls: {}, expiry });
    expect(gone).toContain('### ⌛ Preview expired');
    expect(gone).not.toContain('Preview destroyed');
    expect(gone).toContain('ran out at 2026-12-04 09:01:00 UTC (1m, from the `ttl:` label)');
    expect(gone).toContain('are gone');
    expect(gone).toContain('**To bring it back:** push a commit, or change its labels');
    expect(gone).toContain('it expires again 1m after it is back');
    const going = renderPreviewComment({ ...base, state: 'destroying', urls: {}, expiry });
    expect(going).toContain('so Berth is removing it');
  });

  it('names the repository default, an extension and a capped label', () => {
    const at = '2026-12-07T09:00:00.000Z';
    expect(
      renderPreviewComment({
        ...base,
        expiry: { phase: 'warning', expiresAt: at, ttl: '72h', source: 'default' },
      }),
    ).toContain("(72h, the repository's default;");
    expect(
      renderPreviewComment({
        ...base,
        expiry: { phase: 'warning', expiresAt: at, ttl: '1h', source: 'extension' },
      }),
    ).toContain('(a 1h TTL, extended;');
    expect(
      renderPreviewComment({
        ...base,
        expiry: { phase: 'warning', expiresAt: at, ttl: '14d', source: 'label', capped: true },
      }),
    ).toContain("from the `ttl:` label, capped at the operator's maximum");
  });

  it('an expired phase on a live state, or no expiry, changes nothing', () => {
    const plain = renderPreviewComment(base);
    expect(plain).not.toMatch(/Expires soon|expired/);
    const odd = renderPreviewComment({
      ...base,
      expiry: {
        phase: 'expired',
        expiresAt: '2026-12-04T09:01:00.000Z',
        ttl: '1m',
        source: 'label',
      },
    });
    expect(odd).toBe(plain);
  });
});
